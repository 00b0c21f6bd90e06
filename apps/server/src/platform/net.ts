import net from 'node:net';

/**
 * A free TCP port on 127.0.0.1, found by letting the kernel pick one: for a server that must know its own URL before
 * it starts (`npm run cluster`'s nodes, tests' child servers).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
