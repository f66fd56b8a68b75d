/**
 * Two languages from one catalogue: every string the portal shows comes from `en.ts` and its
 * translation `es.ts` (which must have every key: tsc checks it). Numbers, amounts and dates are
 * formatted with Intl for the chosen locale.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { en, type MessageKey } from "./en";
import { es } from "./es";

export type { MessageKey };
export type Locale = "en" | "es";
export const LOCALES: readonly Locale[] = ["en", "es"];
const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, es };
/** The Intl locale of each language. */
const INTL: Record<Locale, string> = { en: "en-GB", es: "es-ES" };
const STORAGE_KEY = "civic-ledger.locale";

export type Vars = Record<string, string | number | bigint>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export interface Formatters {
  /** An amount in base units as token units with the symbol: `1,500.25 cUSD`. */
  amount(value: string | bigint, decimals: number, symbol?: string): string;
  /** The number part of `amount`, for tables whose column header names the unit. */
  units(value: string | bigint, decimals: number): string;
  number(value: number | bigint): string;
  date(unixSeconds: number | bigint): string;
  dateTime(unixSeconds: number | bigint): string;
  percent(fraction: number): string;
}

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
  fmt: Formatters;
}

const Context = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const fromHash = /[?&]lang=(en|es)\b/.exec(window.location.hash)?.[1] as Locale | undefined;
  if (fromHash) return fromHash;
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored === "en" || stored === "es") return stored;
  return navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
}

export function interpolate(text: string, vars?: Vars): string {
  if (vars === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A decimal string of `value` base units with `decimals` places (no rounding, no float). */
export function toDecimalString(value: string | bigint, decimals: number): string {
  const raw = BigInt(value);
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals === 0 ? "" : `.${digits.slice(digits.length - decimals)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

export function makeFormatters(locale: Locale): Formatters {
  const tag = INTL[locale];
  const amountFormats = new Map<number, Intl.NumberFormat>();
  const amountFormat = (decimals: number) => {
    let f = amountFormats.get(decimals);
    if (f === undefined) {
      f = new Intl.NumberFormat(tag, { minimumFractionDigits: Math.min(2, decimals), maximumFractionDigits: decimals });
      amountFormats.set(decimals, f);
    }
    return f;
  };
  const numberFormat = new Intl.NumberFormat(tag);
  const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: "UTC" });
  // dateStyle cannot be combined with timeZoneName: the fields one by one
  const dateTimeFormat = new Intl.DateTimeFormat(tag, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  });
  const percentFormat = new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: 1 });
  const units = (value: string | bigint, decimals: number) =>
    // Intl formats decimal strings exactly (no float rounding of large amounts)
    amountFormat(decimals).format(toDecimalString(value, decimals) as Intl.StringNumericLiteral);
  return {
    units,
    amount: (value, decimals, symbol) => (symbol ? `${units(value, decimals)} ${symbol}` : units(value, decimals)),
    number: (value) => numberFormat.format(value),
    date: (s) => dateFormat.format(new Date(Number(s) * 1000)),
    dateTime: (s) => dateTimeFormat.format(new Date(Number(s) * 1000)),
    percent: (fraction) => percentFormat.format(fraction),
  };
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setLocaleState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const catalogue = CATALOGUES[locale];
    return {
      locale,
      setLocale,
      t: (key, vars) => interpolate(catalogue[key] ?? key, vars),
      fmt: makeFormatters(locale),
    };
  }, [locale, setLocale]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (value === null) throw new Error("useI18n outside I18nProvider");
  return value;
}
