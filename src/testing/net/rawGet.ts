// A GET over node:http rather than fetch, so the path reaches the server
// exactly as written (fetch would normalise ".." and percent-escapes).
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawGetTarget {
  host: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
}

export function rawGet({ host, port, path, headers = {} }: RawGetTarget): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: { ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
