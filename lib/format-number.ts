/**
 * The one way a measured number is shown: four significant digits, but never rounding away an
 * integer part (0.9045525000000001 → "0.9046", 245.234 → "245.2", 12,345.6 → "12346"); a dash
 * when unknown. For display and for text composed for people (reasons, descriptions); the API
 * keeps exact values.
 */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const integerDigits = Math.floor(Math.log10(Math.abs(value))) + 1;
  const rounded = Number(value.toPrecision(Math.min(100, Math.max(4, integerDigits))));
  return Object.is(rounded, -0) ? "0" : String(rounded);
}
