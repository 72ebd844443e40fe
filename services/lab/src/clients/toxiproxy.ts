// Toxiproxy's API: the proxies (one per link) and their toxics. Changes use PATCH (POST on a
// proxy or a toxic is deprecated since Toxiproxy 2.6).
import { randomUUID } from 'node:crypto';
import type { LinkName } from '../topology.ts';
import { isWanProxy, WAN_BASELINE_TOXIC, WAN_LATENCY, WAN_PROXIES } from '../wan.ts';
import { jsonCall, LabHttpError } from './http.ts';

export type ToxicType = 'latency' | 'bandwidth' | 'timeout' | 'reset_peer' | 'slow_close' | 'slicer' | 'limit_data';
export type Stream = 'downstream' | 'upstream';

export interface Toxic {
  name: string;
  type: string;
  stream: string;
  toxicity?: number;
  attributes: Record<string, number>;
}
export interface ProxyState {
  name: string;
  enabled: boolean;
  listen: string;
  upstream: string;
  toxics: Toxic[];
}

/** The toxics chaos injected on a proxy: all of them but the WAN's standing latency. */
export const injectedToxics = (p: Pick<ProxyState, 'name' | 'toxics'>): Toxic[] =>
  p.toxics.filter((t) => !(isWanProxy(p.name) && (t.name === `${WAN_BASELINE_TOXIC}-downstream` || t.name === `${WAN_BASELINE_TOXIC}-upstream`)));

export class ToxiproxyClient {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }

  private call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return jsonCall<T>('toxiproxy', `${this.url}${path}`, { method, body });
  }

  async proxies(): Promise<ProxyState[]> {
    return Object.values(await this.call<Record<string, ProxyState>>('GET', '/proxies'));
  }

  /** Adds a toxic; returns its name. */
  async addToxic(link: LinkName | string, type: ToxicType, attributes: Record<string, number>, o: { stream?: Stream; toxicity?: number; name?: string } = {}): Promise<string> {
    const name = o.name ?? `surge-${type}-${randomUUID().slice(0, 8)}`;
    await this.call('POST', `/proxies/${link}/toxics`, { name, type, stream: o.stream ?? 'downstream', toxicity: o.toxicity ?? 1, attributes });
    return name;
  }

  async updateToxic(link: LinkName | string, name: string, attributes: Record<string, number>): Promise<void> {
    await this.call('PATCH', `/proxies/${link}/toxics/${name}`, { attributes });
  }

  /** Removes a toxic; one already gone (a reset removed it) is fine. */
  async removeToxic(link: LinkName | string, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${link}/toxics/${name}`).catch((err: unknown) => {
      if (!(err instanceof LabHttpError && err.status === 404)) throw err;
    });
  }

  async setEnabled(link: LinkName | string, enabled: boolean): Promise<void> {
    await this.call('PATCH', `/proxies/${link}`, { enabled });
  }

  /** Removes every toxic and enables every link; the WAN keeps its standing latency. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
    await this.restoreWanBaseline();
  }

  /** Gives every WAN proxy its standing latency, both ways (toxiproxy-exporter does at start). */
  async restoreWanBaseline(): Promise<void> {
    const present = new Set((await this.proxies()).map((p) => p.name));
    await Promise.all(
      WAN_PROXIES.filter((p) => present.has(p.name)).flatMap((p) =>
        (['downstream', 'upstream'] as const).map((stream) =>
          this.addToxic(p.name, 'latency', WAN_LATENCY, { stream, name: `${WAN_BASELINE_TOXIC}-${stream}` }).catch((err: unknown) => {
            if (!(err instanceof LabHttpError && err.status === 409)) throw err;
          }),
        ),
      ),
    );
  }
}
