// Synthetic customer messages that ask for an order to go to a (new) shipping address. Each one
// exercises some of the ways a model's plain extraction goes wrong: an old address mentioned
// first, a recipient's name before the address, abbreviations, a spelled-out state, a country, and
// a unit or ZIP code given in another sentence.
import type { Rng } from '../base/prng.js';
import { directions, states, streetTypes, unitTypes } from './address-reader.js';

const streets = ['Baker', 'Maple', 'Oak', 'Cedar', 'Lake', 'Hill', 'Park', 'Elm', 'Willow', 'Sunset', 'River', 'Mill'];
const places: [string, string][] = [
  ['Springfield', 'IL'],
  ['Dayton', 'OH'],
  ['Columbus', 'OH'],
  ['Portland', 'OR'],
  ['Salem', 'OR'],
  ['Austin', 'TX'],
  ['Albany', 'NY'],
  ['Rochester', 'NY'],
  ['Denver', 'CO'],
  ['Savannah', 'GA'],
  ['Lansing', 'MI'],
  ['Tucson', 'AZ'],
];
const people = ['Laura Chen', 'Omar Haddad', 'Priya Nair', 'Tom Becker', 'Sofia Rossi', 'Kwame Mensah', 'Julia Novak'];
const relations = ['friend', 'colleague', 'neighbour', 'cousin'];
const signers = ['Maria', 'James', 'Aiko', 'Lucas', 'Fatima', 'Noah', 'Elena', 'Ravi'];

interface Parts {
  text: string;
  unitSeparate?: string;
  zipSeparate?: string;
}

function address(rng: Rng, options: { plain: boolean }): Parts {
  const longType = rng.pick(Object.values(streetTypes));
  const type =
    !options.plain && rng.chance(0.55)
      ? (Object.keys(streetTypes).find((k) => streetTypes[k] === longType) ?? longType)
      : longType;
  let street = `${rng.int(2, 9800)} `;
  if (rng.chance(0.25)) {
    const short = rng.pick(Object.keys(directions));
    street += `${!options.plain && rng.chance(0.5) ? short : directions[short]} `;
  }
  street += `${rng.pick(streets)} ${type}`;
  const parts = [street];
  let unitSeparate: string | undefined;
  const unitRoll = rng.next();
  const unitShort = rng.pick(Object.keys(unitTypes));
  const unitId = `${rng.int(1, 40)}${rng.chance(0.4) ? rng.pick(['A', 'B', 'C']) : ''}`;
  if (unitRoll < 0.3) parts.push(`${rng.chance(0.5) ? unitShort : (unitTypes[unitShort] ?? unitShort)} ${unitId}`);
  else if (unitRoll < 0.55 && !options.plain)
    unitSeparate = `${(unitTypes[unitShort] ?? unitShort).toLowerCase()} ${unitId}`;
  const [city, code] = rng.pick(places);
  parts.push(city);
  const state =
    !options.plain && rng.chance(0.35) ? (Object.keys(states).find((k) => states[k] === code) ?? code) : code;
  const zip = String(rng.int(10000, 99999));
  let zipSeparate: string | undefined;
  if (!options.plain && rng.chance(0.1)) {
    parts.push(state);
    zipSeparate = zip;
  } else parts.push(`${state} ${zip}`);
  if (!options.plain && rng.chance(0.2)) parts.push(rng.pick(['USA', 'United States']));
  return {
    text: parts.join(', '),
    ...(unitSeparate ? { unitSeparate } : {}),
    ...(zipSeparate ? { zipSeparate } : {}),
  };
}

/** One message and nothing else: the truth is read back from it by the same reader the model uses. */
export function generateAddressMessage(rng: Rng): string {
  const sentences: string[] = [];
  const greeting = rng.pick(['Hi!', 'Hello.', 'Hi there.', 'Good morning.', '']);
  if (greeting) sentences.push(greeting);
  sentences.push(
    rng.pick([
      `I just placed order #${rng.int(10000, 99999)}.`,
      `About my order #${rng.int(10000, 99999)}:`,
      `Quick change for order #${rng.int(10000, 99999)}.`,
      `The ${rng.pick(['blender', 'desk lamp', 'rain jacket', 'backpack', 'coffee grinder'])} I ordered has not shipped yet.`,
    ]),
  );
  if (rng.chance(0.25)) {
    const old = address(rng, { plain: rng.chance(0.5) }).text;
    sentences.push(
      rng.pick([
        `I moved last month, so please do not use my old address, ${old}.`,
        `My account still shows ${old}, but I no longer live there.`,
        `The order page lists ${old}, which is where I used to live.`,
      ]),
    );
  }
  const target = address(rng, { plain: false });
  const recipient = rng.chance(0.35) ? rng.pick(people) : undefined;
  const to = recipient ? rng.pick([`${recipient}, `, `my ${rng.pick(relations)} ${recipient} at `]) : '';
  sentences.push(
    rng.pick([
      `Please ship it to ${to}${target.text} instead.`,
      `The new address is ${to}${target.text}.`,
      `Could you send the package to ${to}${target.text}?`,
      `It should go to ${to}${target.text}, thanks.`,
    ]),
  );
  if (target.unitSeparate) {
    sentences.push(
      rng.pick([
        `Oh, and it is ${target.unitSeparate}; I forgot to add that.`,
        `The ${target.unitSeparate.split(' ')[0]} number is ${target.unitSeparate.split(' ')[1]}.`,
      ]),
    );
  }
  if (target.zipSeparate) sentences.push(`The ZIP code there is ${target.zipSeparate}.`);
  if (rng.chance(0.3))
    sentences.push(rng.pick(['The buzzer does not work, so please call.', 'Leave it with the doorman.']));
  const signer = rng.chance(0.6) ? rng.pick(signers) : undefined;
  sentences.push(
    signer
      ? `${rng.pick(['Thanks', 'Regards', 'Cheers', 'Best'])}, ${signer}`
      : rng.pick(['Thank you!', 'Thanks!', '']),
  );
  return sentences.filter(Boolean).join(' ');
}
