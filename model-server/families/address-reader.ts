// What the simulated model reads in a customer message about a shipping address, and how it writes
// the address back. Shared by the answerer and the generator, so the truth (every hidden rule
// applied) is defined in exactly one place.
import type { Fields } from './types.js';

export const streetTypes: Record<string, string> = {
  St: 'Street',
  Ave: 'Avenue',
  Rd: 'Road',
  Blvd: 'Boulevard',
  Dr: 'Drive',
  Ln: 'Lane',
};
export const directions: Record<string, string> = {
  N: 'North',
  S: 'South',
  E: 'East',
  W: 'West',
  NE: 'Northeast',
  NW: 'Northwest',
  SE: 'Southeast',
  SW: 'Southwest',
};
export const unitTypes: Record<string, string> = { Apt: 'Apartment', Ste: 'Suite', Unit: 'Unit' };
export const states: Record<string, string> = {
  Illinois: 'IL',
  Ohio: 'OH',
  Oregon: 'OR',
  Texas: 'TX',
  'New York': 'NY',
  Colorado: 'CO',
  Georgia: 'GA',
  Michigan: 'MI',
  Arizona: 'AZ',
};

const full = (table: Record<string, string>, word: string): string => table[word] ?? word;
const short = (table: Record<string, string>, word: string): string =>
  Object.entries(table).find(([, long]) => long === word)?.[0] ?? word;
const alternatives = (table: Record<string, string>): string =>
  [...Object.keys(table), ...Object.values(table)].sort((a, b) => b.length - a.length).join('|');

/** One postal address as the message writes it (abbreviations and all). */
export interface Address {
  number: string;
  direction?: string;
  street: string;
  streetType: string;
  unit?: { type: string; id: string };
  city: string;
  state: string;
  zip?: string;
  country?: string;
  at: number;
  length: number;
}

export const addressPattern = new RegExp(
  String.raw`\b(\d{1,5}) (?:(${alternatives(directions)})\.? )?((?:[A-Z][a-z]+ ){0,2}?[A-Z][a-z]+) (${alternatives(streetTypes)})\b\.?,? ` +
    String.raw`(?:(${alternatives(unitTypes)})\.? #?(\d+[A-Z]?),? )?([A-Z][a-z]+(?: [A-Z][a-z]+)?), ` +
    String.raw`(${alternatives(states)})(?:,? (\d{5}))?(?:,? (USA|United States))?`,
  'g',
);

export interface AddressMessage {
  /** The address the customer wants the order sent to: the last one mentioned. */
  target: Address | undefined;
  /** An earlier address in the same message (the one the customer moved away from). */
  old: Address | undefined;
  /** A person's name written right before the target address. */
  recipient?: string;
  /** A unit or ZIP code given outside the target address, in another sentence. */
  separateUnit?: { type: string; id: string };
  separateZip?: string;
  /** The name the message is signed with. */
  signer?: string;
}

export function readAddresses(text: string): Address[] {
  return [...text.matchAll(addressPattern)].map((m) => ({
    number: m[1] ?? '',
    ...(m[2] ? { direction: m[2] } : {}),
    street: m[3] ?? '',
    streetType: m[4] ?? '',
    ...(m[5] && m[6] ? { unit: { type: m[5], id: m[6] } } : {}),
    city: m[7] ?? '',
    state: m[8] ?? '',
    ...(m[9] ? { zip: m[9] } : {}),
    ...(m[10] ? { country: m[10] } : {}),
    at: m.index,
    length: m[0].length,
  }));
}

export function readAddressMessage(text: string): AddressMessage {
  const found = readAddresses(text);
  const target = found[found.length - 1];
  const old = found.length > 1 ? found[0] : undefined;
  let outside = text;
  for (const a of [...found].reverse()) outside = outside.slice(0, a.at) + ' ' + outside.slice(a.at + a.length);
  const recipient = target
    ? /([A-Z][a-z]+ [A-Z][a-z]+)(?:,| at) $/.exec(text.slice(Math.max(0, target.at - 40), target.at))?.[1]
    : undefined;
  const unit = /\b(apartment|apt|unit|suite)(?: number)?(?: is|:)? #?(\d+[A-Z]?)\b/i.exec(outside);
  const zip = /\bzip(?: code)?(?: there)?(?: is|:)? (\d{5})\b/i.exec(outside);
  const signer = /(?:Thanks|Regards|Cheers|Best),\s+([A-Z][a-z]+)\.?\s*$/.exec(text.trim())?.[1];
  const unitType = (word: string): string =>
    ({ apartment: 'Apartment', apt: 'Apt', unit: 'Unit', suite: 'Suite' })[word.toLowerCase()] ?? 'Unit';
  return {
    target,
    old,
    ...(recipient ? { recipient } : {}),
    ...(target && !target.unit && unit?.[2] ? { separateUnit: { type: unitType(unit[1] ?? ''), id: unit[2] } } : {}),
    ...(target && !target.zip && zip?.[1] ? { separateZip: zip[1] } : {}),
    ...(signer ? { signer } : {}),
  };
}

export function messageText(inputs: Fields): string {
  const named = Object.entries(inputs).find(([k]) => /message|email|text|ticket|request|body|note/i.test(k));
  if (named) return named[1];
  return Object.values(inputs).reduce((a, b) => (b.length > a.length ? b : a), '');
}

export function looksLikeAddressMessage(inputs: Fields): boolean {
  if (Object.keys(inputs).some((k) => /address/i.test(k))) return true;
  return readAddresses(messageText(inputs)).length > 0;
}

/**
 * The address as a model writes it, given which rules (hidden rule or decoy ids) it applies.
 * With every hidden rule and no decoy this is the truth.
 */
export function writeAddress(m: AddressMessage, applied: ReadonlySet<string>): string {
  const useOld = m.old !== undefined && !applied.has('new-address');
  const a = useOld ? m.old : m.target;
  if (!a) return '';
  const verbatim = applied.has('decoy-copy-verbatim');
  const abbreviate = applied.has('decoy-abbreviate');
  const expandWords = applied.has('street-abbreviations') && !verbatim;
  const word = (table: Record<string, string>, w: string): string =>
    abbreviate ? short(table, full(table, w)) : expandWords ? full(table, w) : w;

  const parts: string[] = [];
  if (m.recipient && !useOld && (!applied.has('recipient-name') || applied.has('decoy-name-first'))) {
    parts.push(m.recipient);
  } else if (applied.has('decoy-name-first') && m.signer) parts.push(m.signer);

  const direction = a.direction
    ? applied.has('compass-directions') && !verbatim
      ? full(directions, a.direction)
      : a.direction
    : undefined;
  parts.push([a.number, direction, a.street, word(streetTypes, a.streetType)].filter(Boolean).join(' '));
  const unit = a.unit ?? (!useOld && applied.has('separate-unit') ? m.separateUnit : undefined);
  if (unit) parts.push(`${word(unitTypes, unit.type)} ${unit.id}`);
  parts.push(a.city);
  const state = applied.has('state-code') && !verbatim ? (states[a.state] ?? a.state) : a.state;
  const zip = a.zip ?? (!useOld && applied.has('separate-zip') ? m.separateZip : undefined);
  parts.push(zip ? `${state} ${zip}` : state);
  if (a.country && (!applied.has('no-country') || verbatim)) parts.push(a.country);
  else if (applied.has('decoy-add-country')) parts.push('USA');
  return parts.join(', ');
}

/** SQuAD-style token F1 (lower-cased words; punctuation and articles ignored), as extraction is scored. */
export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((t) => t !== '' && !['a', 'an', 'the'].includes(t));
}

export function tokenF1(predicted: string, expected: string): number {
  const got = tokens(predicted);
  const want = tokens(expected);
  if (got.length === 0 || want.length === 0) return got.length === want.length ? 1 : 0;
  const left = new Map<string, number>();
  for (const t of want) left.set(t, (left.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of got) {
    const n = left.get(t) ?? 0;
    if (n > 0) {
      overlap++;
      left.set(t, n - 1);
    }
  }
  if (overlap === 0) return 0;
  const p = overlap / got.length;
  const r = overlap / want.length;
  return (2 * p * r) / (p + r);
}
