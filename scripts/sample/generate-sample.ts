import { createRandom, type Random } from './random.js';

/** What an event log records about a played song: the text and number a NextSong event carries. */
export interface SongFacts {
  readonly title: string;
  readonly artist: string;
  readonly duration: number;
}

/** One song file: its path under the sample root, its exact JSON text, and the facts events need. */
export interface GeneratedSong {
  readonly path: string;
  readonly json: string;
  readonly facts: SongFacts;
}

/** One file of the sample: a path relative to the sample root and its exact content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/** The seed of the bundled sample; change it and the committed `sample/` folder must be regenerated. */
export const SAMPLE_SEED = 20181101;
/** 2018-11-01T00:00:00.796Z: eventsim's timestamps all end in 796 ms, and so do ours. */
export const SAMPLE_START_MS = Date.UTC(2018, 10, 1) + 796;
/** The Redshift JSONPaths file, byte for byte as in the real data (staging_events column order). */
export const LOG_JSON_PATH = `{\n    "jsonpaths": [\n${[
  'artist', 'auth', 'firstName', 'gender', 'itemInSession', 'lastName', 'length', 'level', 'location',
  'method', 'page', 'registration', 'sessionId', 'song', 'status', 'ts', 'userAgent', 'userId',
].map((key) => `        "$['${key}']"`).join(',\n')}\n    ]\n}`;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MALE = ['Walter', 'Jacob', 'Mohammad', 'Jayden', 'Ryan', 'Matthew', 'Rylan', 'Noah', 'Tomás', 'Kevin'];
const FEMALE = ['Kaylee', 'Lily', 'Tegan', 'Chloe', 'Aleena', 'Sara', 'Avery', 'Layla', 'Cecilia', 'Zoë'];
const LAST = ['Frye', 'Summers', 'Koch', 'Klein', 'Levine', 'Cuevas', 'Graves', 'Kirby', 'Hogan', 'Lynch', 'Bell', 'Owens', "O'Brien", 'Núñez'];
const ADJ = ['Midnight', 'Electric', 'Broken', 'Golden', 'Silent', 'Burning', 'Lonely', 'Sweet', 'Wild', 'Blue', 'Little', 'Hollow'];
const NOUN = ['Train', 'Heart', 'River', 'Dream', 'City', 'Fire', 'Rain', 'Road', 'Summer', 'Mirror', 'Garden', 'Echo', 'Lantern', 'Harbor'];
const PLACES = [
  'Burlington, Ontario, Canada', 'Brandon', 'New York, NY', 'London, England', 'Torelló / Barcelona', 'Chicago, IL',
  'Kingston, Jamaica', 'Detroit, MI', 'Nashville, TN', 'Reykjavík, Iceland', 'Los Angeles, CA', 'Berlin, Germany',
];
const METROS = [
  'San Francisco-Oakland-Hayward, CA', 'Portland-South Portland, ME', 'Lansing-East Lansing, MI',
  'Chicago-Naperville-Elgin, IL-IN-WI', 'Atlanta-Sandy Springs-Roswell, GA', 'Waterloo-Cedar Falls, IA',
  'Tampa-St. Petersburg-Clearwater, FL', 'New York-Newark-Jersey City, NY-NJ-PA', 'Sacramento--Roseville--Arden-Arcade, CA',
];
/** Raw agents; those containing a comma get wrapped in literal quote characters, as eventsim did. */
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/35.0.1916.153 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/37.0.2062.94 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko',
];

/** A JSON string literal the way the real files spell it: `/` escaped as `\/`, non-ASCII as `\uXXXX`. */
function jsonText(value: string | number | null): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A float with exactly `digits` decimals whose last decimal is not zero (so it never prints as an integer). */
function decimal(random: Random, min: number, max: number, digits: number): number {
  const scale = 10 ** digits;
  let units = random.int(Math.round(min * scale), Math.round(max * scale));
  if (units % 10 === 0) units += 1;
  return units / scale;
}

function songTitle(random: Random): string {
  const [adj, noun, other] = [random.pick(ADJ), random.pick(NOUN), random.pick(NOUN)];
  return random.weighted<string>([
    [`${adj} ${noun}`, 6], [`${noun} of the ${other}`, 2], [`${adj} ${noun} (Album Version)`, 1],
    [`${noun}/${other}`, 1], [`Don't Lose the ${noun}`, 1], [`Café ${noun}`, 1],
  ]);
}

function artistName(random: Random): string {
  const [adj, noun] = [random.pick(ADJ), random.pick(NOUN)];
  return random.weighted<string>([
    [`${random.pick([...MALE, ...FEMALE])} ${random.pick(LAST)}`, 4], [`The ${adj} ${noun}s`, 3],
    [`${adj} ${noun}`, 2], [`${random.pick(LAST)} & the ${noun}s`, 1], [`DJ ${noun} / ${random.pick(FEMALE)}`, 1],
  ]);
}

interface Artist {
  readonly id: string;
  readonly name: string | number;
  readonly location: string | number;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

function newArtist(random: Random, index: number): Artist {
  const located = random.chance(0.4);
  const name = index === 1 || (index > 2 && random.chance(0.015)) ? random.pick([112, 2562, 311, 808]) : artistName(random);
  const place = located || random.chance(0.4) ? random.pick(PLACES) : '';
  return {
    id: `AR${random.chars(ALNUM, 16)}`,
    name,
    location: index === 2 || (index > 2 && random.chance(0.015)) ? random.pick([27, 108]) : place,
    latitude: located ? decimal(random, -45, 65, 5) : null,
    longitude: located ? decimal(random, -125, 150, 5) : null,
  };
}

/** The same artist id seen again with another spelling of its name or another location, as in the real data. */
function variantOf(random: Random, artist: Artist, force: 'name' | 'location' | undefined): Artist {
  const kind = force ?? random.weighted<'name' | 'location' | 'same'>([['name', 2], ['location', 1], ['same', 3]]);
  if (kind === 'same') return artist;
  if (kind === 'location') {
    const located = random.chance(0.5);
    return {
      ...artist,
      location: random.pick(PLACES.filter((place) => place !== artist.location)),
      latitude: located ? decimal(random, -45, 65, 5) : null,
      longitude: located ? decimal(random, -125, 150, 5) : null,
    };
  }
  const name = String(artist.name);
  const other = artistName(random);
  return { ...artist, name: random.pick([`The ${name}`, `${name}_ ${name}`, `${name} feat. ${other}`, other]) };
}

/**
 * Where a song's title or artist name ends in blanks, as a few do in the real data (a title in a song
 * file, song values in the logs): in its song file, in the logs that play it, or in both (one blank in
 * the file, two in the logs). Redshift ignores trailing blanks when it compares VARCHARs; the models
 * do too, so these plays match on every target. Chosen by the song's index: no random draw is spent.
 */
function trailingBlanks(index: number, every: number, offset: number): { file: string; log: string } {
  switch (index % every) {
    case offset: return { file: ' ', log: '' };
    case offset + 5: return { file: '', log: ' ' };
    case offset + 10: return { file: ' ', log: '  ' };
    default: return { file: '', log: '' };
  }
}

/** Generates `count` song files in the real layout: one compact object per file, keys alphabetical. */
export function generateSongs(options: { count: number; seed?: number }): GeneratedSong[] {
  const random = createRandom(options.seed ?? SAMPLE_SEED);
  const artistCount = Math.max(1, Math.round(options.count * 0.75));
  const artists: Artist[] = [];
  const seen = new Set<string>();
  const songs: GeneratedSong[] = [];
  for (let index = 0; index < options.count; index += 1) {
    let artist: Artist;
    if (index < artistCount) {
      artist = newArtist(random, index);
      artists.push(artist);
    } else {
      const reuse = index - artistCount;
      artist = variantOf(random, random.pick(artists), reuse === 0 ? 'name' : reuse === 1 ? 'location' : undefined);
    }
    let track = '';
    let songId = '';
    while (track === '' || seen.has(track) || seen.has(songId)) {
      track = `TRA${random.chars('ABC', 1)}${random.chars('ABCDEFGH', 1)}${random.chars(UPPER, 2)}128F${random.chars(ALNUM, 7)}`;
      songId = `SO${random.chars(UPPER, 5)}12A${random.chars(ALNUM, 8)}`;
    }
    seen.add(track).add(songId);
    const title = songTitle(random);
    const duration = decimal(random, 95, 520, 5);
    const year = random.chance(0.3) ? 0 : random.int(1958, 2010);
    const titleBlanks = trailingBlanks(index, 15, 3);
    const nameBlanks = typeof artist.name === 'string' ? trailingBlanks(index, 20, 6) : { file: '', log: '' };
    const name = typeof artist.name === 'string' ? `${artist.name}${nameBlanks.file}` : artist.name;
    const json = `{"artist_id":${jsonText(artist.id)},"artist_latitude":${jsonText(artist.latitude)},` +
      `"artist_location":${jsonText(artist.location)},"artist_longitude":${jsonText(artist.longitude)},` +
      `"artist_name":${jsonText(name)},"duration":${jsonText(duration)},"num_songs":1,` +
      `"song_id":${jsonText(songId)},"title":${jsonText(`${title}${titleBlanks.file}`)},"year":${year}}`;
    const path = `song_data/${track.charAt(2)}/${track.charAt(3)}/${track.charAt(4)}/${track}.json`;
    songs.push({ path, json, facts: { title: `${title}${titleBlanks.log}`, artist: `${String(artist.name)}${nameBlanks.log}`, duration } });
  }
  return songs;
}

type Level = 'free' | 'paid';
type Page = 'NextSong' | 'Home' | 'Logout' | 'Settings' | 'Help' | 'About' | 'Save Settings' | 'Error' | 'Upgrade'
  | 'Downgrade' | 'Submit Upgrade' | 'Submit Downgrade' | 'Login';

/** Method and status of each page, as eventsim logged them. */
const PAGE_HTTP: Readonly<Record<Page, readonly [string, number]>> = {
  NextSong: ['PUT', 200], Home: ['GET', 200], Logout: ['PUT', 307], Settings: ['GET', 200], Help: ['GET', 200],
  About: ['GET', 200], 'Save Settings': ['PUT', 307], Error: ['GET', 404], Upgrade: ['GET', 200],
  Downgrade: ['GET', 200], 'Submit Upgrade': ['PUT', 307], 'Submit Downgrade': ['PUT', 307], Login: ['PUT', 307],
};
const COMMON_PAGES: readonly (readonly [Page, number])[] = [
  ['NextSong', 80], ['Home', 7], ['Logout', 2], ['Settings', 1.2], ['Help', 0.8], ['About', 0.5],
  ['Save Settings', 0.3], ['Error', 0.2],
];
const FREE_PAGES = [...COMMON_PAGES, ['Upgrade', 0.8], ['Submit Upgrade', 0.9]] as const;
const PAID_PAGES = [...COMMON_PAGES, ['Downgrade', 1.5], ['Submit Downgrade', 0.15]] as const;
const USERS = 60;
const SLOTS = 6;

interface User {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly gender: 'M' | 'F';
  readonly location: string;
  readonly userAgent: string;
  readonly registration: number;
  level: Level;
}

interface Session {
  readonly id: number;
  readonly user: User;
  item: number;
  left: number;
  loggedOutLeft: number | undefined;
  replay: SongFacts | undefined;
}

function newUser(random: Random, index: number, startMs: number): User {
  const gender = random.chance(0.5) ? 'M' : 'F';
  const agent = random.pick(AGENTS);
  return {
    id: String(index + 2),
    firstName: random.pick(gender === 'M' ? MALE : FEMALE),
    lastName: random.pick(LAST),
    gender,
    location: random.pick(METROS),
    userAgent: agent.includes(',') ? `"${agent}"` : agent,
    registration: startMs - random.int(1, 120 * 86_400) * 1000,
    level: random.chance(0.7) ? 'free' : 'paid',
  };
}

/** Plays a song: most match the catalog exactly, some differ in duration only, the rest are unknown. */
function playedSong(random: Random, songs: readonly SongFacts[]): SongFacts {
  const roll = random.next();
  if (songs.length > 0 && roll < 0.45) return random.pick(songs);
  if (songs.length > 0 && roll < 0.55) {
    const song = random.pick(songs);
    return { ...song, duration: (Math.round(song.duration * 1e5) + 100_000) / 1e5 };
  }
  return { title: songTitle(random), artist: artistName(random), duration: decimal(random, 60, 600, 5) };
}

function eventJson(session: Session, page: Page, ts: number, song: SongFacts | undefined): string {
  const user = session.user;
  const out = session.loggedOutLeft !== undefined;
  const [method, status] = PAGE_HTTP[page];
  const text = (value: string): string => (out ? 'null' : jsonText(value));
  return `{"artist":${jsonText(song?.artist ?? null)},"auth":"${out ? 'Logged Out' : 'Logged In'}",` +
    `"firstName":${text(user.firstName)},"gender":${text(user.gender)},"itemInSession":${session.item},` +
    `"lastName":${text(user.lastName)},"length":${jsonText(song?.duration ?? null)},"level":"${user.level}",` +
    `"location":${text(user.location)},"method":"${method}","page":"${page}",` +
    `"registration":${out ? 'null' : `${user.registration}.0`},"sessionId":${session.id},` +
    `"song":${jsonText(song?.title ?? null)},"status":${status},"ts":${ts},` +
    `"userAgent":${text(user.userAgent)},"userId":${jsonText(out ? '' : user.id)}}`;
}

/** Advances a session by one event and returns its JSON line; updates the session and its user. */
function stepSession(random: Random, session: Session, songs: readonly SongFacts[], ts: number): string {
  let page: Page;
  if (session.loggedOutLeft !== undefined) {
    page = session.loggedOutLeft > 0 ? random.weighted<Page>([['Home', 8], ['About', 1], ['Help', 1]]) : 'Login';
    session.loggedOutLeft -= 1;
  } else {
    page = session.replay ? 'NextSong' : random.weighted<Page>(session.user.level === 'free' ? FREE_PAGES : PAID_PAGES);
  }
  const song = page === 'NextSong' ? (session.replay ?? playedSong(random, songs)) : undefined;
  const line = eventJson(session, page, ts, song);
  if (page === 'Login') session.loggedOutLeft = undefined;
  if (page === 'Logout') session.loggedOutLeft = random.int(0, 2);
  if (page === 'Submit Upgrade') session.user.level = 'paid';
  if (page === 'Submit Downgrade') session.user.level = 'free';
  session.replay = undefined;
  session.item += 1;
  session.left -= 1;
  // Now and then a play is logged twice at the same ts (same user, same song): duplicate timestamps.
  if (song && session.left > 0 && random.chance(0.012)) session.replay = song;
  return line;
}

/**
 * Lazily generates `count` eventsim NDJSON lines (constant memory, so it can feed a 1,000,000-event
 * benchmark), spread evenly over `days` (default 30) from `startMs`, in ts order, from a few
 * interleaved sessions of a fixed pool of users.
 */
export function* generateEvents(options: {
  count: number;
  songs: readonly SongFacts[];
  seed?: number;
  startMs?: number;
  days?: number;
}): Iterable<string> {
  const random = createRandom((options.seed ?? SAMPLE_SEED) ^ 0x5bd1e995);
  const startMs = options.startMs ?? SAMPLE_START_MS;
  const spanSeconds = (options.days ?? 30) * 86_400;
  const users = Array.from({ length: USERS }, (_, index) => newUser(random, index, startMs));
  const slots: (Session | undefined)[] = Array.from({ length: SLOTS }, () => undefined);
  let nextSessionId = random.int(1, 50);
  let previous: { slot: number; ts: number } | undefined;
  for (let index = 0; index < options.count; index += 1) {
    const replaying = previous !== undefined && slots[previous.slot]?.replay !== undefined;
    const slot = replaying && previous ? previous.slot : random.int(0, SLOTS - 1);
    const ts = replaying && previous ? previous.ts : startMs + 1000 * Math.floor((index * spanSeconds) / options.count);
    let session = slots[slot];
    if (session === undefined) {
      const busy = new Set(slots.map((s) => s?.user));
      let user = random.pick(users);
      while (busy.has(user)) user = random.pick(users);
      const loggedOut = random.chance(0.1) ? random.int(0, 1) : undefined;
      session = { id: nextSessionId, user, item: 0, left: random.int(1, 16), loggedOutLeft: loggedOut, replay: undefined };
      nextSessionId += random.int(1, 3);
      slots[slot] = session;
    }
    yield stepSession(random, session, options.songs, ts);
    if (session.left <= 0) slots[slot] = undefined;
    previous = { slot, ts };
  }
}

/** The whole bundled sample: song files, one event file per day, and log_json_path.json, sorted by path. */
export function generateSample(options: { songs?: number; events?: number; days?: number; seed?: number } = {}): GeneratedFile[] {
  const days = options.days ?? 5;
  if (!Number.isInteger(days) || days < 1 || days > 30) throw new RangeError(`days must be 1..30, got ${days}`);
  const seed = options.seed ?? SAMPLE_SEED;
  const songs = generateSongs({ count: options.songs ?? 120, seed });
  const byDay = new Map<string, string[]>();
  const events = generateEvents({ count: options.events ?? 1500, songs: songs.map((s) => s.facts), seed, days });
  for (const line of events) {
    const ts = Number(/"ts":(\d+)/.exec(line)?.[1]);
    const day = new Date(ts).toISOString().slice(0, 10);
    const lines = byDay.get(day) ?? [];
    lines.push(line);
    byDay.set(day, lines);
  }
  const files: GeneratedFile[] = songs.map((song) => ({ path: song.path, content: song.json }));
  for (const [day, lines] of byDay) {
    files.push({ path: `log_data/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}-events.json`, content: lines.join('\n') });
  }
  files.push({ path: 'log_json_path.json', content: LOG_JSON_PATH });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
