import { freshDatabase } from './db';
for (let i = 0; i < 6; i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const f = await freshDatabase('pglite');
  const c1 = process.cpuUsage(c0); const t1 = performance.now();
  await f.drop();
  const c2 = process.cpuUsage(); 
  console.log(`open cpu ${Math.round((c1.user + c1.system) / 1000)} ms wall ${Math.round(t1 - t0)} ms; drop cpu ${Math.round((c2.user + c2.system - c0.user - c0.system - c1.user - c1.system) / 1000)}`);
}
