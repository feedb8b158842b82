const number = new Intl.NumberFormat("en-US");

/** "1 user", "1,204 users": a count with its noun, for every sentence the console writes. */
export const plural = (n: number, one: string, many = `${one}s`) => `${number.format(n)} ${n === 1 ? one : many}`;
