// What the simulated model reads in a seller conversation summary, and the hidden scoring formula.
// Shared by the answerer and the generator so the truth is defined in exactly one place.
import type { Fields } from './types.js';

export const moods: Record<string, number> = {
  furious: -2,
  angry: -2,
  frustrated: -1,
  worried: -1,
  anxious: -1,
  neutral: 0,
  calm: 0,
  pleased: 1,
  satisfied: 1,
  relieved: 1,
  happy: 1,
  delighted: 2,
  thrilled: 2,
};

export interface SellerFeatures {
  firstReplyMinutes: number;
  startMood: number;
  endMood: number;
  apologised: boolean;
  resolved: boolean;
  messages: number;
}

/** The terms of the hidden formula; the score is 5 plus their sum, clamped to 0-10. */
export interface ScoreTerms {
  'slow-response': number;
  trend: number;
  unresolved: number;
  apology: number;
}

export function conversationText(inputs: Fields): string {
  const named = Object.entries(inputs).find(([k]) => /conversation|transcript|chat|dialog|summary/i.test(k));
  if (named) return named[1];
  return Object.values(inputs).reduce((a, b) => (b.length > a.length ? b : a), '');
}

export function looksLikeSellerConversation(text: string): boolean {
  return /first (?:replied|reply|response)|replied after|response time/i.test(text);
}

export function readConversation(text: string): SellerFeatures {
  const t = text.toLowerCase();
  const reply =
    /(?:replied|reply|response)[^.]*?(?:after|in|within)\s+(\d+(?:\.\d+)?)\s*(minutes?|mins?|hours?|h)\b/.exec(t);
  const amount = reply?.[1] ? Number(reply[1]) : 60;
  const minutes = reply?.[2]?.startsWith('h') ? amount * 60 : amount;
  const moodIn = (pattern: RegExp): number => {
    const word = pattern.exec(t)?.[1] ?? 'neutral';
    return moods[word] ?? 0;
  };
  return {
    firstReplyMinutes: minutes,
    startMood: moodIn(/(?:started|starting|began|at first)\s+(?:out\s+)?(\w+)/),
    endMood: moodIn(/(?:by the end|at the end|ended)[^.]*?(?:was|felt|up)\s+(\w+)/),
    apologised: !/(?:did not|didn't|never) apologi[sz]e/.test(t) && /apologi[sz]ed|sorry/.test(t),
    resolved: !/(?:not|un)\s?resolved|still open/.test(t) && /resolved|sorted/.test(t),
    messages: Number(/(\d+)\s+messages/.exec(t)?.[1] ?? 12),
  };
}

export function scoreTerms(f: SellerFeatures): ScoreTerms {
  const m = f.firstReplyMinutes;
  return {
    'slow-response': m <= 15 ? 2.5 : m <= 60 ? 1 : m <= 240 ? -0.5 : -3,
    trend: (f.endMood - f.startMood) * 0.75,
    unresolved: f.resolved ? 1.5 : -2,
    apology: f.startMood < 0 ? (f.apologised ? 0.5 : -1.5) : 0,
  };
}

export const clampScore = (x: number): number => Math.min(10, Math.max(0, x));

export function trueScore(f: SellerFeatures): number {
  const t = scoreTerms(f);
  return Math.round(clampScore(5 + t['slow-response'] + t.trend + t.unresolved + t.apology));
}

/** The first output value that reads as a number on the 0-10 scale. */
export function scoreOf(outputs: Fields): number | undefined {
  for (const value of Object.values(outputs)) {
    const n = Number(value.trim());
    if (value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 10) return n;
  }
  for (const value of Object.values(outputs)) {
    const m = /\b(10|\d(?:\.\d+)?)\s*(?:\/\s*10|out of 10)?\b/.exec(value);
    if (m?.[1]) return Number(m[1]);
  }
  return undefined;
}
