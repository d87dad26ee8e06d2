/* razorpay-checkout-wasm/messages: shopper-facing messages in nine languages. */

/** The locales shipped, each its own module `razorpay-checkout-wasm/locales/<code>`. */
export type Locale = 'en' | 'hi' | 'bn' | 'mr' | 'gu' | 'ta' | 'te' | 'kn' | 'ms';

/** Every message key (the keys of `locales/en.js`; every locale has them all). */
export type MessageKey = /* MESSAGE_KEYS */ string;

/** One locale's messages: every key, a short sentence each. */
export type Messages = { readonly [K in MessageKey]: string };

/** What `loadMessages` resolves: the chosen locale, its Intl tag and its messages (overrides applied). */
export interface Catalogue {
  readonly locale: Locale;
  /** The Intl locale used for amounts and dates, e.g. `hi-IN`, `ms-MY`. */
  readonly intl: string;
  readonly messages: Messages;
}

/** Messages to use instead of the shipped ones. */
export type MessageOverrides = { readonly [K in MessageKey]?: string };

export interface LoadMessagesOptions {
  /** A locale code or BCP 47 tag (`hi`, `ta-IN`), or a list in order of preference; else `navigator.languages`; else `en`. */
  locale?: string | readonly string[];
  /** Messages that replace the shipped ones, or a function of the chosen locale returning them. */
  overrides?: MessageOverrides | ((locale: Locale) => MessageOverrides | undefined);
}

/** The shape of an error this module reads (what `validateCard`'s `errors` and `Checkout`'s rejections carry). */
export interface ErrorLike {
  readonly kind?: string;
  readonly field?: string | null;
  readonly source?: string;
  readonly reason?: string;
  readonly description?: string;
}

/** A state of `Checkout`'s `onProgress`, or what a page shows after an OTP resend or a cancelled dialog. */
export type ProgressState =
  | 'validating' | 'posting' | 'redirecting' | 'awaiting_otp' | 'otp_sent' | 'otp_resent' | 'pending' | 'paid'
  | 'failed' | 'cancelled';

export declare const LOCALES: readonly Locale[];
export declare const LOCALE_NAMES: { readonly [L in Locale]: string };
/** The field leaves (`payment.email` → `email`) whose errors have messages of their own. */
export declare const SHOPPER_FIELDS: readonly string[];

export declare function chooseLocale(preferred?: string | readonly string[] | null): Locale;
export declare function loadMessages(options?: LoadMessagesOptions | string | readonly string[]): Promise<Catalogue>;
export declare function format(template: string, vars?: { readonly [name: string]: string | number | null | undefined }): string;
export declare function messageKey(error: ErrorLike | null | undefined, messages: Messages | MessageOverrides): MessageKey;
export declare function messageFor(error: ErrorLike | null | undefined, catalogue: Catalogue, overrides?: MessageOverrides): string;
export declare function progressMessage(
  state: ProgressState,
  catalogue: Catalogue,
  vars?: { readonly issuer?: string | null; readonly [name: string]: string | number | null | undefined },
): string;
export declare function text(
  key: MessageKey,
  catalogue: Catalogue,
  vars?: { readonly [name: string]: string | number | null | undefined },
): string;
export declare function bankName(issuer: string | null | undefined): string | null;
export declare function formatAmount(subunits: number, currency: string, catalogue: Catalogue | string): string;
export declare function formatNumber(value: number, catalogue: Catalogue | string, options?: Intl.NumberFormatOptions): string;
export declare function formatDate(
  date: Date | number,
  catalogue: Catalogue | string,
  options?: Intl.DateTimeFormatOptions,
): string;
