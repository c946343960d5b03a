/** A lock service's name as people know it ("Seam", "Z-Wave JS"); an adapter without one reads as itself. */
export function adapterLabel(adapter: string): string {
  return ADAPTER_LABELS[adapter] ?? adapter;
}

const ADAPTER_LABELS: Record<string, string> = { seam: 'Seam', zwave: 'Z-Wave JS' };
