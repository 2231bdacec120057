/** What can be done with a lot in a given status (mirrors the material service's transitions). */
export function canHold(status: string): boolean {
  return status === "available" || status === "quarantine";
}

export function canRelease(status: string): boolean {
  return status === "on_hold" || status === "quarantine";
}
