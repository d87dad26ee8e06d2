//! The card engine's exports, called through the real ABI in headless
//! Chromium (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use razorpay_checkout_wasm::wasm::card::{
    card_network_js, inspect_number_js, parse_expiry_js, validate_card_js,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 2026-11-23T11:00:00Z
const NOW: f64 = 1_795_431_600_000.0;

fn json(s: &str) -> JsValue {
    JSON::parse(s).unwrap()
}

fn get(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |acc, k| {
        let key = match k.parse::<u32>() {
            Ok(i) => JsValue::from(i),
            Err(_) => JsValue::from_str(k),
        };
        Reflect::get(&acc, &key).unwrap()
    })
}

fn opts(extra: &str) -> Option<JsValue> {
    Some(json(&format!("{{\"now\": {NOW}{extra}}}")))
}

#[wasm_bindgen_test]
fn razorpay_test_cards_validate_with_their_network() {
    let cards = [
        ("4100 2800 0000 1007", "Visa", "123"),
        ("5500 6700 0000 1002", "MasterCard", "123"),
        ("6527 6589 0000 1005", "RuPay", "123"),
        ("3608 280009 1007", "Diners Club", "123"),
        ("3402 560004 01007", "American Express", "1234"),
    ];
    for (number, network, cvv) in cards {
        let card = json(&format!(
            r#"{{"number":"{number}","expiry_month":"12","expiry_year":"30","cvv":"{cvv}","name":"Gaurav Kumar"}}"#
        ));
        let v = validate_card_js(card, opts("")).unwrap();
        assert_eq!(get(&v, "valid"), JsValue::TRUE, "{number}");
        assert_eq!(get(&v, "network").as_string().as_deref(), Some(network));
        assert_eq!(
            get(&v, "card.number").as_string(),
            Some(number.replace(' ', ""))
        );
        assert_eq!(
            get(&v, "card.expiry_year").as_string().as_deref(),
            Some("30")
        );
        assert_eq!(get(&v, "errors.length").as_f64(), Some(0.0));
    }
}

#[wasm_bindgen_test]
fn tokenised_card_without_cvv_is_valid_and_has_no_cvv_key() {
    for card in [r#"{}"#, r#"{"cvv": null}"#, r#"{"cvv": ""}"#] {
        let v = validate_card_js(json(card), opts(r#", "tokenised": true"#)).unwrap();
        assert_eq!(get(&v, "valid"), JsValue::TRUE, "{card}");
        let c = get(&v, "card");
        assert!(
            !Reflect::has(&c, &"cvv".into()).unwrap(),
            "{card}: a cvv key was sent"
        );
    }
    let v = validate_card_js(json(r#"{"cvv":"12"}"#), opts(r#", "tokenised": true"#)).unwrap();
    assert_eq!(get(&v, "valid"), JsValue::FALSE);
    assert_eq!(
        get(&v, "errors.0.field").as_string().as_deref(),
        Some("cvv")
    );
    assert_eq!(
        get(&v, "errors.0.description").as_string().as_deref(),
        Some("The cvv must be between 3 and 4 digits")
    );
}

#[wasm_bindgen_test]
fn errors_are_razorpay_shaped() {
    let v = validate_card_js(
        json(r#"{"number":"4100280000001008","expiry":"13/30","cvv":"12a"}"#),
        opts(""),
    )
    .unwrap();
    assert_eq!(get(&v, "valid"), JsValue::FALSE);
    assert!(get(&v, "card").is_null());
    assert_eq!(get(&v, "network").as_string().as_deref(), Some("Visa"));
    let fields: Vec<String> = js_sys::Array::from(&get(&v, "errors"))
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                get(&e, "field").as_string().unwrap(),
                get(&e, "kind").as_string().unwrap()
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            "number:failed_luhn",
            "expiry:invalid_month",
            "cvv:invalid_characters",
            "name:required"
        ]
    );
    let e = get(&v, "errors.0");
    assert_eq!(
        get(&e, "code").as_string().as_deref(),
        Some("BAD_REQUEST_ERROR")
    );
    assert_eq!(
        get(&e, "reason").as_string().as_deref(),
        Some("input_validation_failed")
    );
}

#[wasm_bindgen_test]
fn any_js_type_gets_a_verdict_or_a_typed_error_never_a_panic() {
    let long = "4".repeat(10_000);
    let hostile = [
        JsValue::from(42),
        JsValue::from_str("4100280000001007"),
        JsValue::TRUE,
        js_sys::Array::new().into(),
        json(&format!(
            r#"{{"number":"{long}","cvv":{{}},"name":[1],"expiry_month":-1,"expiry_year":1e300}}"#
        )),
        json(r#"{"number":4100280000001007,"expiry_month":12,"expiry_year":2030,"cvv":123}"#),
        JsValue::NULL,
        JsValue::UNDEFINED,
        js_sys::Symbol::for_("x").into(),
    ];
    for value in hostile {
        match validate_card_js(value.clone(), opts("")) {
            Ok(v) => assert_eq!(get(&v, "valid"), JsValue::FALSE),
            Err(e) => {
                assert!(e.is_instance_of::<js_sys::Error>());
                assert_eq!(
                    get(&e, "name").as_string().as_deref(),
                    Some("RazorpayCheckoutError")
                );
                assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalid_type"));
            }
        }
        let i = inspect_number_js(value.clone());
        assert!(get(&i, "state").is_string());
        let _ = card_network_js(value.clone());
        let _ = parse_expiry_js(value, None);
    }
    // Wrongly typed options are thrown, not ignored.
    let e = validate_card_js(json("{}"), Some(json(r#"{"tokenised":"yes"}"#))).unwrap_err();
    assert_eq!(
        get(&e, "field").as_string().as_deref(),
        Some("options.tokenised")
    );
}

#[wasm_bindgen_test]
fn inspect_and_network_while_typing() {
    let i = inspect_number_js("6527 6589 0000 100".into());
    assert_eq!(get(&i, "network").as_string().as_deref(), Some("RuPay"));
    assert_eq!(get(&i, "state").as_string().as_deref(), Some("incomplete"));
    assert_eq!(
        get(&i, "formatted").as_string().as_deref(),
        Some("6527 6589 0000 100")
    );
    assert_eq!(get(&i, "cvv_length").as_f64(), Some(3.0));
    let i = inspect_number_js("340256000401007".into());
    assert_eq!(get(&i, "state").as_string().as_deref(), Some("complete"));
    assert_eq!(
        get(&i, "formatted").as_string().as_deref(),
        Some("3402 560004 01007")
    );
    assert_eq!(get(&i, "lengths.0").as_f64(), Some(15.0));
    assert!(get(&inspect_number_js("65".into()), "network").is_null());
    assert_eq!(
        card_network_js("5085".into()).as_string().as_deref(),
        Some("RuPay")
    );
    assert!(card_network_js("5".into()).is_null());
}

#[wasm_bindgen_test]
fn parse_expiry_returns_mm_yy_or_throws_typed() {
    let v = parse_expiry_js("1 / 2030".into(), Some(NOW.into())).unwrap();
    assert_eq!(get(&v, "expiry_month").as_string().as_deref(), Some("01"));
    assert_eq!(get(&v, "expiry_year").as_string().as_deref(), Some("30"));
    for (text, kind) in [
        ("10/26", "expired"),
        ("13/30", "invalid_month"),
        ("1230x", "invalid_format"),
        ("12/47", "too_far_ahead"),
    ] {
        let e = parse_expiry_js(text.into(), Some(NOW.into())).unwrap_err();
        assert_eq!(get(&e, "kind").as_string().as_deref(), Some(kind), "{text}");
        assert!(e.is_instance_of::<js_sys::Error>());
    }
    // Without `now`, the browser's clock: a 2099 expiry is too far ahead today.
    let e = parse_expiry_js("12/2099".into(), None).unwrap_err();
    assert_eq!(
        get(&e, "kind").as_string().as_deref(),
        Some("too_far_ahead")
    );
}

/// `inspectNumber` builds its object on the JS side (src/wasm/shapes.js)
/// from scalars; it must be exactly the pure `inspect_number` serialized,
/// key order included, for every network and state.
#[wasm_bindgen_test]
fn inspect_number_object_equals_the_pure_inspection_for_every_network() {
    use razorpay_checkout_wasm::card::inspect_number;
    let numbers = [
        "4100 2800 0000 1007",
        "5500670000001002",
        "2221000000000009",
        "340256000401007",
        "36082800091007",
        "6527658900001005",
        "5085000000000006",
        "6759649826438453",
        "3530111333300000",
        "6200000000000005",
        "2030400000000009",
        "6011111111111117",
        "9999999999999995",
        "4111111111111111111",
        "1234 5678",
        "4100-2800",
        "41x",
        "",
    ];
    let mut seen = std::collections::BTreeSet::new();
    for number in numbers {
        for end in 0..=number.len() {
            let Some(prefix) = number.get(..end) else {
                continue;
            };
            let ours = JSON::stringify(&inspect_number_js(prefix.into()))
                .unwrap()
                .as_string()
                .unwrap();
            let pure = serde_json::to_string(&inspect_number(prefix)).unwrap();
            assert_eq!(ours, pure, "{prefix:?}");
            if let Some(n) = get(&inspect_number_js(prefix.into()), "network").as_string() {
                seen.insert(n);
            }
        }
    }
    let all: std::collections::BTreeSet<String> = razorpay_checkout_wasm::card::Network::ALL
        .iter()
        .map(|n| n.as_str().to_owned())
        .collect();
    assert_eq!(seen, all, "every network appears");
}

/// `validateCard` reads the card through one tagged string and builds its
/// result on the JS side (src/wasm/shapes.js); both must give exactly what
/// the pure `validate_card` gives for the same JSON, key order included,
/// for valid and invalid cards and every JS type a field can hold.
#[wasm_bindgen_test]
fn validate_card_object_equals_the_pure_validation_for_every_input_type() {
    use razorpay_checkout_wasm::card::{validate_card, CardInput, ValidateOptions};
    let cards = [
        r#"{"number": "4100 2800 0000 1007", "expiry_month": "12", "expiry_year": "30", "cvv": "123", "name": "Gaurav Kumar"}"#,
        r#"{"number": "3402 560004 01007", "expiry": "12/2030", "cvv": "1234", "name": " Gaurav Kumar "}"#,
        r#"{"number": "4100280000001008", "expiry": "01/20", "cvv": "12", "name": ""}"#,
        r#"{"number": 4100280000001007, "expiry_month": 12, "expiry_year": 2030, "cvv": 123, "name": 1.5}"#,
        r#"{"number": null, "expiry_month": -1, "expiry_year": 1e20, "cvv": true, "name": ["A"]}"#,
        r#"{"number": {"digits": "4111"}, "expiry": false, "cvv": null, "name": null, "extra": "ignored"}"#,
        "{\"number\": \"4111\\u00001111\", \"expiry\": \"12/30\", \"cvv\": \"1\\u00002\", \"name\": \"A\\u0000B\"}",
        r#"{"cvv": ""}"#,
        r#"{"cvv": "12"}"#,
        r#"{}"#,
        r#"{"number": "6527 6589 0000 1005", "expiry_month": "1", "expiry_year": "2031", "cvv": "123", "name": "Ré Ñoño"}"#,
    ];
    for tokenised in [false, true] {
        for card in cards {
            let options = json(&format!("{{\"now\": {NOW}, \"tokenised\": {tokenised}}}"));
            let ours = validate_card_js(json(card), Some(options)).unwrap();
            let ours = JSON::stringify(&ours).unwrap().as_string().unwrap();
            let input: CardInput = serde_json::from_str(card).unwrap();
            let pure = validate_card(
                &input,
                &ValidateOptions {
                    tokenised,
                    now_ms: NOW,
                    network: None,
                },
            );
            assert_eq!(
                ours,
                serde_json::to_string(&pure).unwrap(),
                "{card} tokenised={tokenised}"
            );
        }
    }
    // Not a plain object: decoded as before (a string is not a card).
    let err = validate_card_js(json("\"4111\""), None).unwrap_err();
    assert_eq!(
        get(&err, "kind").as_string().as_deref(),
        Some("invalid_type")
    );
    assert_eq!(get(&err, "field").as_string().as_deref(), Some("card"));
}

fn js(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .unwrap()
}

fn stringify(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}

/// Values JSON cannot carry: `undefined` is `null`, `NaN`/`Infinity` are
/// numbers with no integer value (a type error, like 1.5); a symbol, a
/// bigint, a function or a getter that throws make the card not a card (a
/// typed error, never the page's exception unwinding through the module).
#[wasm_bindgen_test]
fn values_json_cannot_carry_get_the_same_verdicts() {
    let rest = "expiry: '12/30', cvv: '123', name: 'A B'";
    let with = |field: &str| {
        js(&format!(
            "return {{ number: '4100280000001007', {rest}, {field} }};"
        ))
    };
    let o = opts("");
    let same = |a: JsValue, b: JsValue| {
        let a = validate_card_js(a, o.clone()).unwrap();
        let b = validate_card_js(b, o.clone()).unwrap();
        assert_eq!(stringify(&a), stringify(&b));
    };
    same(with("number: undefined"), with("number: null"));
    same(with("cvv: NaN"), with("cvv: 1.5"));
    same(with("name: -Infinity"), with("name: 1.5"));
    same(with("cvv: [1, { a: 2 }]"), with("cvv: {}"));
    for field in [
        "cvv: Symbol('x')",
        "cvv: 10n",
        "name: function () {}",
        "get number() { throw new Error('boom'); }",
    ] {
        let err = validate_card_js(with(field), o.clone()).unwrap_err();
        assert_eq!(
            get(&err, "name").as_string().as_deref(),
            Some("RazorpayCheckoutError"),
            "{field}"
        );
        assert_eq!(
            get(&err, "kind").as_string().as_deref(),
            Some("invalid_type"),
            "{field}"
        );
        assert_eq!(
            get(&err, "field").as_string().as_deref(),
            Some("card"),
            "{field}"
        );
    }
    // A nested object is a wrong type for its field; it is not walked, so
    // a getter inside it that would throw never runs.
    let nested_throw = with("expiry_month: { get x() { throw new Error('boom'); } }");
    let v = validate_card_js(nested_throw, o).unwrap();
    assert_eq!(get(&v, "valid"), JsValue::FALSE);
    assert_eq!(
        get(&v, "errors.0.field").as_string().as_deref(),
        Some("expiry_month")
    );
    assert_eq!(
        get(&v, "errors.0.kind").as_string().as_deref(),
        Some("invalid_type")
    );
}

/// A page that patched the prototypes (a setter on Object.prototype, a
/// throwing Array.prototype.push) neither sees the card through a setter
/// nor breaks the module: each call still answers, thousands of times.
#[wasm_bindgen_test]
fn patched_prototypes_neither_see_the_card_nor_break_the_module() {
    js("globalThis.__seen = []; Object.defineProperty(Object.prototype, 'number', \
        { set(v) { globalThis.__seen.push(v); throw new Error('setter'); }, get() { return undefined; }, configurable: true }); \
        globalThis.__push = Array.prototype.push; Array.prototype.push = function () { throw new Error('push'); };");
    let card = json(
        r#"{"number": "4100 2800 0000 1007", "expiry": "12/30", "cvv": "123", "name": "A B"}"#,
    );
    let mut last = JsValue::NULL;
    for _ in 0..3000 {
        last = validate_card_js(card.clone(), opts("")).unwrap();
        let i = inspect_number_js("4100 2800 0000 1007".into());
        assert_eq!(get(&i, "state").as_string().as_deref(), Some("complete"));
    }
    js("Array.prototype.push = globalThis.__push; delete Object.prototype.number;");
    assert_eq!(get(&last, "valid"), JsValue::TRUE);
    let card_obj: js_sys::Object = get(&last, "card").unchecked_into();
    let own = js_sys::Reflect::get_own_property_descriptor(&card_obj, &"number".into()).unwrap();
    assert_eq!(
        get(&own, "value").as_string().as_deref(),
        Some("4100280000001007"),
        "an own property"
    );
    assert_eq!(
        js("return globalThis.__seen.length;").as_f64(),
        Some(0.0),
        "no setter saw the card"
    );
}
