// How a cluster node calls the others: one keep-alive HTTP connection pool per node address, its
// requests carrying this node's peer credential and marked as forwarded, so the node receiving
// them serves them with its own engine instead of routing them again.
import { randomBytes } from 'node:crypto';
import { END_POLLS, FORWARDED_POLL_HEADER, PEER_OPERATION_NAMES, type PeerApi, type PeerOperationName } from '@endure/protocol';
import { HttpCaller, openHttp, type HttpEngine } from '@endure/transport';
import type { EndablePoll, NodeApi, PollOperation } from '@endure/engine';

/** The header that marks a request one node sends another on a client's behalf. */
export const FORWARDED_HEADER = 'x-endure-forwarded';

interface Link {
  api: NodeApi;
  close(): void;
}

export class PeerLinks {
  private readonly links = new Map<string, Link>();

  constructor(private readonly credential: () => string) {}

  /** The node at `address` (its announced base URL). */
  get(address: string): NodeApi {
    let link = this.links.get(address);
    if (!link) this.links.set(address, (link = this.open(address)));
    return link.api;
  }

  private open(address: string): Link {
    const opts = { apiKey: this.credential, headers: { [FORWARDED_HEADER]: '1' } };
    const http: HttpEngine = openHttp([address], opts);
    const peerCaller = new HttpCaller([address], opts);
    const peer: Partial<Record<PeerOperationName, (req: unknown) => Promise<unknown>>> = {};
    for (const op of PEER_OPERATION_NAMES) peer[op] = (req) => peerCaller.call(`peer/${op}`, req);
    // A forwarded poll is named, and ended by name over another request: its own connection stays,
    // so its answer — and the tasks in it, if the node had just handed some out — is never lost.
    const endablePoll = (op: PollOperation, req: unknown): EndablePoll => {
      const pollId = randomBytes(9).toString('base64url');
      const answer = peerCaller.call(op, req, undefined, { [FORWARDED_POLL_HEADER]: pollId });
      let ended = false;
      return {
        answer,
        end: () => {
          if (ended) return;
          ended = true;
          peerCaller.call(`peer/${END_POLLS}`, { pollIds: [pollId] }).catch(() => {});
        },
      };
    };
    return {
      api: { ...http.api, ...(peer as PeerApi), endablePoll },
      close: () => {
        http.close();
        peerCaller.close();
      },
    };
  }

  close(): void {
    for (const l of this.links.values()) l.close();
    this.links.clear();
  }
}
