/** The materials an operation still has to consume, per its BOM lines; exact decimals, no floats. */
import type { Operation } from "../api/workOrders";
import type { ConsumptionLine, Unit } from "./stationData";

export interface MaterialToConsume {
  item: string;
  /** per piece of the product, BOM scrap included */
  perPiece: string;
  uom: string;
  decimals: number;
  required: string;
  consumed: string;
  /** what is still to consume for the operation's quantity; never below 0 */
  remaining: string;
}

/** Exact decimal arithmetic on the API's strings, to 6 places (the ledger's), through BigInt. */
const SCALE = 1_000_000n;
function toMicro(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?/.exec(text.trim());
  if (!m) return 0n;
  const v = BigInt(m[2] ?? "0") * SCALE + BigInt((m[3] ?? "").padEnd(6, "0") || "0");
  return m[1] ? -v : v;
}
function fromMicro(v: bigint): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = (a % SCALE).toString().padStart(6, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${a / SCALE}${frac ? `.${frac}` : ""}`;
}
/** `per` times `quantity`, rounded up to the unit's decimals (a whole unit counted whole). */
export function needed(per: string, quantity: string, decimals: number): string {
  const raw = (toMicro(per) * toMicro(quantity)) / SCALE;
  const step = 10n ** BigInt(6 - Math.min(6, Math.max(0, decimals)));
  const up = ((raw + step - 1n) / step) * step;
  return fromMicro(up);
}

/** The BOM lines of an operation, what its quantity needs, what was consumed, what remains. */
export function materialsToConsume(
  op: Pick<Operation, "key" | "quantity" | "materials">,
  consumptions: readonly Pick<ConsumptionLine, "item" | "operation" | "quantity">[],
  units: readonly Pick<Unit, "code" | "decimals">[] | undefined,
): MaterialToConsume[] {
  return op.materials.map((m) => {
    const decimals = units?.find((u) => u.code === m.uom)?.decimals ?? 6;
    const required = needed(m.quantity, op.quantity, decimals);
    const consumed = consumptions
      .filter((c) => c.item === m.item && c.operation === op.key)
      .reduce((sum, c) => sum + toMicro(c.quantity), 0n);
    const left = toMicro(required) - consumed;
    return {
      item: m.item,
      perPiece: m.quantity,
      uom: m.uom,
      decimals,
      required,
      consumed: fromMicro(consumed),
      remaining: fromMicro(left > 0n ? left : 0n),
    };
  });
}

