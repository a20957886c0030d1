// Synthetic posts from a community marketplace's moderation queue. About a quarter are plain: benign
// posts (some with decoy bait: a single link, a phone number the seller gives for themselves, a
// swear word) and violations keyword tagging gets right. The rest exercise the hidden rules, with
// deliberately uneven shares: ten common situations and eight rare ones (about 1.5% of posts each,
// so a 120-example train split shows some of them once or not at all), among them posts where two
// rules interact.
import type { Rng } from '../base/prng.js';

type Template = (r: Rng) => string;

const items = ['road bike', 'sofa', 'camera', 'guitar', 'stroller', 'desk', 'drone', 'tent'];
const brands = ['Gucci', 'Rolex', 'Nike', 'Prada', 'Louis Vuitton'];
const goods = ['handbags', 'watches', 'sneakers', 'sunglasses', 'wallets'];
const sites = ['shopnow', 'dealz', 'megadrop', 'bestbuyz', 'flashsale'];
const tlds = ['io', 'ly', 'shop', 'com'];
const games = ['raid boss', 'boss fight', 'next match'];
const insults = ['clown', 'pathetic loser', 'idiot'];
const meds = ['Adderall', 'Xanax', 'Oxycodone', 'Percocet'];
const phone = (r: Rng): string => `${r.int(201, 989)}-555-0${r.int(100, 199)}`;
const price = (r: Rng): string => `$${r.int(2, 90) * 5}`;
const link = (r: Rng): string =>
  `${r.pick(sites)}.${r.pick(tlds)}/${r.pick(['sale', 'go', 'deal', 'win'])}${r.int(1, 99)}`;

const benign: Template[] = [
  (r) => `Selling my ${r.pick(items)}, barely used, ${price(r)} or best offer.`,
  () => 'Does anyone know a good ramen place near the station?',
  (r) => `Free ${r.pick(items)} to whoever picks it up this weekend.`,
  () => 'Lost a grey cat near the park on Elm, please let me know if you see her.',
  (r) => `Looking for a used ${r.pick(items)}, up to ${price(r)}.`,
  () => 'The community garden needs volunteers on Saturday morning.',
];
/** Decoy bait: harmless unless a decoy rule is applied. */
const bait: Template[] = [
  (r) => `More photos at ${link(r)}.`,
  (r) => `Call me at ${phone(r)} if interested.`,
  (r) => `Text me at ${phone(r)} after six.`,
  () => 'This damn heat is ruining my plants though.',
  () => 'Pickup only, no holds, what the hell.',
];

const plainViolations: Template[] = [
  (r) => `Selling ${r.pick(['weed', 'molly', 'cocaine'])}, pickup only.`,
  (r) => `Selling a ${r.pick(['pistol', 'rifle'])} with two boxes of ammo, cash only.`,
  (r) => `You are a ${r.pick(insults)} and everyone on this board knows it.`,
  () => 'Get out of our town, you [slur].',
  () => 'I will shoot the next person who blocks my driveway.',
  () => 'I keep thinking about suicide lately and nothing helps.',
  (r) => `Click here for a promo code worth ${r.int(2, 9) * 10}% off everything!`,
  (r) => `Knock-off ${r.pick(goods)} for sale, they look just like the real thing.`,
  () => 'Posting her home address so everyone can pay her a visit.',
];

/** Each rule situation; `weight` sets its share of posts. */
const ruleCases: { id: string; weight: number; templates: Template[] }[] = [
  {
    id: 'game-violence',
    weight: 8,
    templates: [
      (r) => `We are going to destroy them in the ${r.pick(games)}, squad up tonight.`,
      () => 'Finally managed to kill the raid boss after twenty tries in the game.',
      () => 'My character can shoot through walls in pvp now, is that a glitch?',
    ],
  },
  {
    id: 'quoted-abuse',
    weight: 7,
    templates: [
      (r) => `Someone messaged me calling me a ${r.pick(insults)} after I posted my ${r.pick(items)}.`,
      () => 'A user called my sister a [slur] under her listing, can a moderator look?',
      (r) => `Got a message calling me a ${r.pick(insults)} because I would not lower the price.`,
    ],
  },
  {
    id: 'kitchen-knives',
    weight: 6,
    templates: [
      () => "Selling a full set of kitchen knives, the chef's knife is like new.",
      (r) => `Bread knife and paring knife for sale, ${price(r)} for both.`,
    ],
  },
  {
    id: 'gift-card-payment',
    weight: 6,
    templates: [
      (r) => `The ${r.pick(items)} is yours for ${price(r)}, I only take gift cards.`,
      (r) => `Send the money by wire transfer first and I will post the ${r.pick(items)} to you.`,
      () => 'Pay with Western Union only, no meetups.',
    ],
  },
  {
    id: 'own-contact',
    weight: 7,
    templates: [
      (r) => `Selling my ${r.pick(items)}. My phone number is ${phone(r)}, text anytime.`,
      (r) => `My phone number is ${phone(r)} if you want the ${r.pick(items)}.`,
    ],
  },
  {
    id: 'off-platform',
    weight: 5,
    templates: [
      (r) => `Cheap ${r.pick(goods)}, message me on ${r.pick(['Telegram', 'WhatsApp'])}, I never answer here.`,
      (r) => `For the ${r.pick(items)} talk to me on Signal, not on this site.`,
    ],
  },
  {
    id: 'repeated-link',
    weight: 5,
    templates: [
      (r) => {
        const l = link(r);
        return `Best deals at ${l} | ${l} | ${l} | do not miss it.`;
      },
      (r) => {
        const l = link(r);
        return `${l} new stock! ${l} prices dropping! ${l}`;
      },
    ],
  },
  {
    id: 'replicas',
    weight: 5,
    templates: [
      (r) => `1:1 ${r.pick(brands)} ${r.pick(goods)}, AAA quality, nobody can tell.`,
      (r) => `Replica ${r.pick(brands)} ${r.pick(goods)} in stock, mirror quality.`,
    ],
  },
  {
    id: 'other-person-number',
    weight: 5,
    templates: [
      (r) => `This guy ghosted me. Here is his cell: ${phone(r)}, everyone text him.`,
      (r) => `My ex still owes me. Her number is ${phone(r)}, tell her what you think.`,
    ],
  },
  {
    id: 'threat-over-insult',
    weight: 5,
    templates: [
      (r) => `You ${r.pick(insults)}, I will beat you up if you show your face here again.`,
      (r) => `Listen, ${r.pick(insults)}: do that again and I will stab you.`,
    ],
  },
  // Rare situations.
  {
    id: 'legal-cbd',
    weight: 1.5,
    templates: [
      () => 'CBD edibles for sale, lab tested, legal here.',
      () => 'Hemp edibles, third-party tested, DM me.',
    ],
  },
  {
    id: 'prescription-drugs',
    weight: 1.5,
    templates: [
      (r) => `Have some spare ${r.pick(meds)}, ${r.int(5, 20)} for ${price(r)}, DM me.`,
      (r) => `${r.pick(meds)} going for ${price(r)} a strip, no questions.`,
    ],
  },
  {
    id: 'crypto-doubling',
    weight: 1.5,
    templates: [
      () => 'Send 0.1 BTC to my wallet and I will send you double within the hour.',
      () => 'Crypto giveaway: every ETH you send comes back 2x, today only.',
    ],
  },
  {
    id: 'fake-engagement',
    weight: 1.5,
    templates: [
      (r) => `Buy fake reviews for your shop, ${r.int(5, 20) * 10} five-star ratings for ${price(r)}.`,
      () => 'Selling fake followers, 10k for twenty bucks, real-looking profiles.',
    ],
  },
  {
    id: 'veiled-threat',
    weight: 1.5,
    templates: [
      () => 'Nice car you have there. I know where you live.',
      () => 'Leave another bad review and you will regret it. Watch your back.',
    ],
  },
  {
    id: 'selfharm-hints',
    weight: 1.5,
    templates: [
      () => 'Giving away all my things this week. I do not want to be here anymore.',
      () => 'This is goodbye everyone, take whatever you want from my stall.',
    ],
  },
  {
    id: 'recovery-story',
    weight: 1.5,
    templates: [
      () => 'I used to cut myself in school. Three years clean now, it really does get better.',
      () => 'Two years clean today after I tried to end my life, and I am in recovery with great support.',
    ],
  },
  // Rare interactions between rules.
  {
    id: 'game-insult',
    weight: 1.5,
    templates: [(r) => `Our raid leader is a ${r.pick(insults)}, but we will still kill the raid boss tonight.`],
  },
  {
    id: 'veiled-insult',
    weight: 1.5,
    templates: [(r) => `You ${r.pick(insults)}. I know where you live.`],
  },
  {
    id: 'two-violations',
    weight: 3,
    templates: [
      (r) =>
        `Replica ${r.pick(brands)} ${r.pick(goods)}, message me on ${r.pick(['Telegram', 'WhatsApp'])} for prices.`,
      (r) => `Spare ${r.pick(meds)} for sale, talk to me on Signal only.`,
      (r) => `1:1 ${r.pick(brands)} ${r.pick(goods)}, I only take gift cards.`,
    ],
  },
  {
    id: 'scam-spam',
    weight: 1.5,
    templates: [
      () => 'Click here for a promo code, then pay the fee with gift cards to claim your prize.',
      (r) => {
        const l = `btc-boost.${r.pick(tlds)}/go`;
        return `Double your bitcoin today: ${l} ${l} ${l}`;
      },
    ],
  },
];

const openers = ['', '', '', 'Hey all.', 'Posting again.', 'Quick one.'];

/** One post: ~26% plain (benign or a keyword-obvious violation), the rest spread over the rule situations. */
export function generatePost(rng: Rng): string {
  const roll = rng.next();
  let body: string;
  if (roll < 0.16) {
    body = rng.pick(benign)(rng);
    if (rng.chance(0.6)) body += ` ${rng.pick(bait)(rng)}`;
  } else if (roll < 0.26) {
    body = rng.pick(plainViolations)(rng);
  } else {
    const total = ruleCases.reduce((s, c) => s + c.weight, 0);
    let x = rng.next() * total;
    const picked = ruleCases.find((c) => (x -= c.weight) < 0) ?? ruleCases[0]!;
    body = rng.pick(picked.templates)(rng);
    if (rng.chance(0.15)) body += ` ${rng.pick(bait)(rng)}`;
  }
  return [rng.pick(openers), body].filter(Boolean).join(' ');
}
