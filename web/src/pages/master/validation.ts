/**
 * The master-data forms check what the API checks (the same patterns and bounds as the services'
 * schemas), so a person sees the problem next to the field; the API checks again and its problem
 * detail is shown when it refuses. The messages come from the catalogue (master.validation), in
 * the UI's language; `what` is the field's label, already translated (master.field).
 */
import i18n from "../../i18n";
import { CODE_PATTERN } from "../../lib/forms";

export type Errors<T extends string> = Partial<Record<T, string>>;

const DECIMAL = /^-?\d{1,12}(\.\d{1,6})?$/;
/** work orders' Version and an operation's skill code */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/;
const SKILL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** quality's defect codes: capitals, digits, _ and - */
const DEFECT = /^[A-Z0-9][A-Z0-9_-]*$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A field's label from the catalogue (master.field.<key>). */
export function label(key: string): string {
  return i18n.t(`master.field.${key}`);
}

const say = (key: string, values: Record<string, string | number>) => i18n.t(`master.validation.${key}`, values);

export function code(value: string, what = label("code")): string | undefined {
  const v = value.trim();
  if (!v) return say("required", { what });
  if (v.length > 64) return say("tooLong", { what, n: 64 });
  if (!CODE_PATTERN.test(v)) return say("codeChars", { what });
  return undefined;
}

export function name(value: string, what = label("name"), max = 200): string | undefined {
  const v = value.trim();
  if (!v) return say("required", { what });
  if (v.length > max) return say("tooLong", { what, n: max });
  return undefined;
}

/** A decimal with at most 6 places; `min` exclusive when `strict`. */
export function decimal(
  value: string,
  what: string,
  opts: { min?: number; strict?: boolean; max?: number; maxExclusive?: boolean; places?: number } = {},
): string | undefined {
  const v = value.trim().replace(",", ".");
  if (!v) return say("required", { what });
  if (!DECIMAL.test(v)) return say("number", { what });
  const places = v.split(".")[1]?.length ?? 0;
  if (opts.places !== undefined && places > opts.places) return say("places", { what, n: opts.places });
  const n = Number(v);
  if (opts.min !== undefined && (opts.strict ? n <= opts.min : n < opts.min)) {
    return say(opts.strict ? "above" : "atLeast", { what, n: opts.min });
  }
  if (opts.max !== undefined && (opts.maxExclusive ? n >= opts.max : n > opts.max)) {
    return say(opts.maxExclusive ? "below" : "atMost", { what, n: opts.max });
  }
  return undefined;
}

export function positive(value: string, what = label("quantity")): string | undefined {
  return decimal(value, what, { min: 0, strict: true });
}

export function integer(value: string, what: string, min: number, max: number): string | undefined {
  const v = value.trim();
  if (!/^\d+$/.test(v)) return say("whole", { what });
  const n = Number(v);
  if (n < min || n > max) return say("between", { what, min, max });
  return undefined;
}

export function version(value: string): string | undefined {
  const v = value.trim();
  if (!v) return say("required", { what: label("version") });
  if (!VERSION.test(v)) return say("versionChars", { what: label("version") });
  return undefined;
}

export function skill(value: string): string | undefined {
  return SKILL.test(value.trim()) ? undefined : say("skillChars", { skill: value });
}

export function defectCode(value: string): string | undefined {
  const v = value.trim();
  if (!v) return "Code: required.";
  if (v.length > 32) return "Code: at most 32 characters.";
  if (!DEFECT.test(v)) return "Code: capitals, digits, _ and - only (like SHORT-SHOT).";
  return undefined;
}

export function day(value: string, what: string): string | undefined {
  if (!DAY.test(value) || Number.isNaN(Date.parse(value))) return say("date", { what });
  return undefined;
}

/** Drops the fields without a message; empty when the form can be sent. */
export function clean<T extends string>(errors: Errors<T>): Errors<T> {
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => !!v)) as Errors<T>;
}

export interface ItemForm {
  code: string;
  name: string;
  kind: string;
  uom: string;
  tracking: string;
  shelfLife: string;
}

export function validateItem(f: ItemForm): Errors<keyof ItemForm> {
  return clean({
    code: code(f.code),
    name: name(f.name),
    kind: f.kind ? undefined : say("choose", { what: label("kind") }),
    uom: name(f.uom, label("unit"), 16),
    tracking: f.tracking ? undefined : say("choose", { what: label("tracking") }),
    shelfLife: f.shelfLife.trim() ? integer(f.shelfLife, label("shelfLife"), 1, 36500) : undefined,
  });
}

export interface BomLineForm {
  component: string;
  quantity: string;
  uom: string;
  scrapFactor: string;
  alternateGroup: string;
  priority: string;
}

export interface BomForm {
  version: string;
  baseQuantity: string;
  validFrom: string;
  validTo: string;
  lines: BomLineForm[];
}

/** Field errors by name; a line's field is `lines.<index>.<field>`. */
export function validateBom(f: BomForm): Record<string, string> {
  const out: Record<string, string | undefined> = {
    version: name(f.version, label("version"), 16),
    baseQuantity: positive(f.baseQuantity, label("baseQuantity")),
    validFrom: day(f.validFrom, label("validFrom")),
    validTo: f.validTo ? day(f.validTo, label("validTo")) : undefined,
  };
  if (!out.validFrom && !out.validTo && f.validTo && f.validTo <= f.validFrom) {
    out.validTo = say("validToAfter", {});
  }
  if (f.lines.length === 0) out.lines = say("noComponents", {});
  f.lines.forEach((line, i) => {
    out[`lines.${i}.component`] = code(line.component, label("component"));
    out[`lines.${i}.quantity`] = positive(line.quantity);
    out[`lines.${i}.uom`] = name(line.uom, label("unit"), 16);
    out[`lines.${i}.scrapFactor`] = decimal(line.scrapFactor || "0", label("scrapFactor"), {
      min: 0,
      max: 10,
      maxExclusive: true,
    });
    out[`lines.${i}.alternateGroup`] =
      line.alternateGroup.trim().length > 32 ? say("tooLong", { what: label("alternateGroup"), n: 32 }) : undefined;
    out[`lines.${i}.priority`] = integer(line.priority || "1", label("priority"), 1, 99);
  });
  return Object.fromEntries(Object.entries(out).filter(([, v]) => !!v)) as Record<string, string>;
}

export interface OperationForm {
  seq: string;
  name: string;
  workCenter: string;
  setup: string;
  run: string;
  skills: { code: string; level: string }[];
  materials: string[];
  outputItem: string;
}

export function validateRouting(versionText: string, ops: OperationForm[]): Record<string, string> {
  const out: Record<string, string | undefined> = { version: version(versionText) };
  if (ops.length === 0) out.operations = say("noOperations", {});
  const seqs: number[] = [];
  const used = new Set<string>();
  ops.forEach((op, i) => {
    out[`ops.${i}.seq`] = integer(op.seq, label("seq"), 1, 9999);
    if (!out[`ops.${i}.seq`]) {
      const n = Number(op.seq);
      if (seqs.length && n <= (seqs[seqs.length - 1] ?? 0)) out[`ops.${i}.seq`] = say("seqUp", {});
      seqs.push(n);
    }
    out[`ops.${i}.name`] = name(op.name);
    out[`ops.${i}.workCenter`] = op.workCenter ? undefined : say("choose", { what: label("workCenter") });
    out[`ops.${i}.setup`] = decimal(op.setup, label("setup"), { min: 0, places: 4 });
    out[`ops.${i}.run`] = decimal(op.run, label("run"), { min: 0, places: 4 });
    op.skills.forEach((s, j) => {
      out[`ops.${i}.skills.${j}`] = skill(s.code) ?? integer(s.level || "1", label("level"), 1, 9);
    });
    for (const m of op.materials) {
      if (used.has(m)) out[`ops.${i}.materials`] = say("consumedTwice", { item: m });
      used.add(m);
    }
    out[`ops.${i}.outputItem`] = op.outputItem.trim() ? code(op.outputItem, label("outputItem")) : undefined;
  });
  return Object.fromEntries(Object.entries(out).filter(([, v]) => !!v)) as Record<string, string>;
}
