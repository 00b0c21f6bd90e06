import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkClusterEnv, ClusterError, haproxyTemplatePath, parseClusterArgs, renderHaproxyConfig } from './cluster';

describe('npm run cluster: arguments and configuration', () => {
  it('reads --nodes and --port, with defaults of 3 nodes and PORT or 8080', () => {
    expect(parseClusterArgs([], {})).toEqual({ nodes: 3, port: 8080 });
    expect(parseClusterArgs([], { PORT: '9000' })).toEqual({ nodes: 3, port: 9000 });
    expect(parseClusterArgs(['--nodes', '2', '--port=8181'], {})).toEqual({ nodes: 2, port: 8181 });
  });

  it('refuses a bad count, a bad port and an unknown option, clearly', () => {
    expect(() => parseClusterArgs(['--nodes', '0'], {})).toThrow(/--nodes must be a whole number from 1 to 16/);
    expect(() => parseClusterArgs(['--nodes', 'x'], {})).toThrow(ClusterError);
    expect(() => parseClusterArgs(['--port', '70000'], {})).toThrow(/--port \(or PORT\)/);
    expect(() => parseClusterArgs(['--workers', '2'], {})).toThrow(/Unknown option --workers/);
  });

  it('refuses to start without PostgreSQL, Redis and a shared signing secret, naming what is missing', () => {
    expect(() => checkClusterEnv({})).toThrow(/needs DATABASE_URL, REDIS_URL, SIGNING_SECRET/);
    expect(() => checkClusterEnv({ DATABASE_URL: 'postgres://x/y', SIGNING_SECRET: 's' })).toThrow(/needs REDIS_URL\. /);
    expect(() => checkClusterEnv({ DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://x', SIGNING_SECRET: 's' })).not.toThrow();
  });

  it('fills deploy/haproxy.cfg: loopback bind, one server per node with its sticky cookie, health check on /readyz', () => {
    const cfg = renderHaproxyConfig(fs.readFileSync(haproxyTemplatePath, 'utf8'), {
      bind: '127.0.0.1:8080',
      nodes: [
        { id: 'node-1', port: 3001 },
        { id: 'node-2', port: 3002 },
      ],
      checkIntervalMs: 500,
    });
    expect(cfg).not.toMatch(/\{\{/);
    expect(cfg).toContain('bind 127.0.0.1:8080');
    expect(cfg).toContain('server node-1 127.0.0.1:3001 check cookie node-1');
    expect(cfg).toContain('server node-2 127.0.0.1:3002 check cookie node-2');
    expect(cfg).toContain('default-server inter 500ms');
    for (const line of ['option httpchk GET /readyz', 'option forwardfor', 'http-request del-header X-Forwarded-For', 'timeout tunnel', 'cookie tl_node insert']) expect(cfg).toContain(line);
  });

  it('refuses a template with a field it does not fill', () => {
    expect(() => renderHaproxyConfig('bind {{BIND}}\n{{OTHER}}', { bind: 'x', nodes: [], checkIntervalMs: 1 })).toThrow(/\{\{OTHER\}\}/);
  });
});
