/**
 * The master-data forms check what the API checks (the same patterns and bounds as the services'
 * schemas), so a person sees the problem next to the field; the API checks again and its problem
 * detail is shown when it refuses.
 */
import { CODE_PATTERN } from "../../lib/forms";

export type Errors<T extends string> = Partial<Record<T, string>>;

const DECIMAL = /^-?\d{1,12}(\.\d{1,6})?$/;
/** work orders' Version and an operation's skill code */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/;
const SKILL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** quality's defect codes: capitals, digits, _ and - */
const DEFECT = /^[A-Z0-9][A-Z0-9_-]*$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function code(value: string, what = "Code"): string | undefined {
  const v = value.trim();
  if (!v) return `${what}: required.`;
  if (v.length > 64) return `${what}: at most 64 characters.`;
  if (!CODE_PATTERN.test(v)) return `${what}: letters, digits and . _ / - only, starting with a letter or digit.`;
  return undefined;
}

export function name(value: string, what = "Name", max = 200): string | undefined {
  const v = value.trim();
  if (!v) return `${what}: required.`;
  if (v.length > max) return `${what}: at most ${max} characters.`;
  return undefined;
}

/** A decimal with at most 6 places; `min` exclusive when `strict`. */
export function decimal(
  value: string,
  what: string,
  opts: { min?: number; strict?: boolean; max?: number; maxExclusive?: boolean; places?: number } = {},
): string | undefined {
  const v = value.trim().replace(",", ".");
  if (!v) return `${what}: required.`;
  if (!DECIMAL.test(v)) return `${what}: a number like 12 or 1.5 (at most 6 decimals).`;
  const places = v.split(".")[1]?.length ?? 0;
  if (opts.places !== undefined && places > opts.places) return `${what}: at most ${opts.places} decimals.`;
  const n = Number(v);
  if (opts.min !== undefined && (opts.strict ? n <= opts.min : n < opts.min)) {
    return `${what}: must be ${opts.strict ? "above" : "at least"} ${opts.min}.`;
  }
  if (opts.max !== undefined && (opts.maxExclusive ? n >= opts.max : n > opts.max)) {
    return `${what}: must be ${opts.maxExclusive ? "below" : "at most"} ${opts.max}.`;
  }
  return undefined;
}

export function positive(value: string, what = "Quantity"): string | undefined {
  return decimal(value, what, { min: 0, strict: true });
}

export function integer(value: string, what: string, min: number, max: number): string | undefined {
  const v = value.trim();
  if (!/^\d+$/.test(v)) return `${what}: a whole number.`;
  const n = Number(v);
  if (n < min || n > max) return `${what}: between ${min} and ${max}.`;
  return undefined;
}

export function version(value: string): string | undefined {
  const v = value.trim();
  if (!v) return "Version: required.";
  if (!VERSION.test(v)) return "Version: up to 16 letters, digits and . _ - (like 1, 2 or B).";
  return undefined;
}

export function skill(value: string): string | undefined {
  return SKILL.test(value.trim()) ? undefined : `Skill "${value}": letters, digits and . _ - only.`;
}

export function defectCode(value: string): string | undefined {
  const v = value.trim();
  if (!v) return "Code: required.";
  if (v.length > 32) return "Code: at most 32 characters.";
  if (!DEFECT.test(v)) return "Code: capitals, digits, _ and - only (like SHORT-SHOT).";
  return undefined;
}

export function day(value: string, what: string): string | undefined {
  if (!DAY.test(value) || Number.isNaN(Date.parse(value))) return `${what}: a date.`;
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
    kind: f.kind ? undefined : "Kind: choose one.",
    uom: name(f.uom, "Unit", 16),
    tracking: f.tracking ? undefined : "Tracking: choose one.",
    shelfLife: f.shelfLife.trim() ? integer(f.shelfLife, "Shelf life", 1, 36500) : undefined,
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
    version: name(f.version, "Version", 16),
    baseQuantity: positive(f.baseQuantity, "Base quantity"),
    validFrom: day(f.validFrom, "Valid from"),
    validTo: f.validTo ? day(f.validTo, "Valid to") : undefined,
  };
  if (!out.validFrom && !out.validTo && f.validTo && f.validTo <= f.validFrom) {
    out.validTo = "Valid to: after valid from.";
  }
  if (f.lines.length === 0) out.lines = "Add at least one component.";
  f.lines.forEach((line, i) => {
    out[`lines.${i}.component`] = code(line.component, "Component");
    out[`lines.${i}.quantity`] = positive(line.quantity);
    out[`lines.${i}.uom`] = name(line.uom, "Unit", 16);
    out[`lines.${i}.scrapFactor`] = decimal(line.scrapFactor || "0", "Scrap factor", {
      min: 0,
      max: 10,
      maxExclusive: true,
    });
    out[`lines.${i}.alternateGroup`] =
      line.alternateGroup.trim().length > 32 ? "Alternate group: at most 32 characters." : undefined;
    out[`lines.${i}.priority`] = integer(line.priority || "1", "Priority", 1, 99);
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
  if (ops.length === 0) out.operations = "Add at least one operation.";
  const seqs: number[] = [];
  const used = new Set<string>();
  ops.forEach((op, i) => {
    out[`ops.${i}.seq`] = integer(op.seq, "Operation number", 1, 9999);
    if (!out[`ops.${i}.seq`]) {
      const n = Number(op.seq);
      if (seqs.length && n <= (seqs[seqs.length - 1] ?? 0)) out[`ops.${i}.seq`] = "Operation numbers go up: 10, 20, 30 …";
      seqs.push(n);
    }
    out[`ops.${i}.name`] = name(op.name);
    out[`ops.${i}.workCenter`] = op.workCenter ? undefined : "Work center: choose one.";
    out[`ops.${i}.setup`] = decimal(op.setup, "Setup minutes", { min: 0, places: 4 });
    out[`ops.${i}.run`] = decimal(op.run, "Run minutes per unit", { min: 0, places: 4 });
    op.skills.forEach((s, j) => {
      out[`ops.${i}.skills.${j}`] = skill(s.code) ?? integer(s.level || "1", "Level", 1, 9);
    });
    for (const m of op.materials) {
      if (used.has(m)) out[`ops.${i}.materials`] = `${m} is consumed at two operations; name it at one.`;
      used.add(m);
    }
    out[`ops.${i}.outputItem`] = op.outputItem.trim() ? code(op.outputItem, "Output item") : undefined;
  });
  return Object.fromEntries(Object.entries(out).filter(([, v]) => !!v)) as Record<string, string>;
}
