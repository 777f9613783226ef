import { afterAll, describe, expect, it } from "vitest";
import { arrayLiteral, closeMetricsPool, metricsPool } from "./pg-pool";

afterAll(() => closeMetricsPool());

describe("arrayLiteral", () => {
  it("reaches PostgreSQL as the same values: strings that look like NULL, quotes, backslashes and commas, and numbers exactly", async () => {
    const texts = ["NULL", "null", 'a"b', "c\\d", "e,f", "{g}", "", " h "];
    const numbers = [0, -1.5, 0.9045525000000001, 1e-7, 1.7976931348623157e308, 1767225600123];
    const { rows } = await metricsPool().query<{ texts: string[]; numbers: number[]; ints: number[]; none: number[] }>(
      "SELECT $1::text[] AS texts, $2::float8[] AS numbers, $3::int[] AS ints, $4::int[] AS none",
      [arrayLiteral(texts), arrayLiteral(numbers), arrayLiteral([1, 2, 2_147_483_647]), arrayLiteral([])],
    );
    expect(rows[0]).toEqual({ texts, numbers, ints: [1, 2, 2_147_483_647], none: [] });
  });
});
