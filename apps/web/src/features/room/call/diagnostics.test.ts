import { describe, expect, it } from 'vitest';
import { describeDevice } from './diagnostics';

describe('describeDevice', () => {
  it('recognises a cheap Android phone on Chrome', () => {
    const ua = 'Mozilla/5.0 (Linux; Android 11; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36';
    expect(describeDevice(ua)).toEqual({ browser: 'Chrome 124', os: 'Android 11', device: 'phone', userAgent: ua });
  });
  it('tells Samsung Internet, Safari on iPhone and Firefox apart', () => {
    expect(describeDevice('Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36').browser).toBe('Samsung Internet 23');
    const iphone = describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1');
    expect(iphone).toMatchObject({ browser: 'Safari 17', os: 'iOS 17.4', device: 'phone' });
    expect(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0')).toMatchObject({ browser: 'Firefox 126', os: 'Windows', device: 'desktop' });
  });
  it('calls an Android device without "Mobile" a tablet, and trusts userAgentData.mobile', () => {
    expect(describeDevice('Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36').device).toBe('tablet');
    expect(describeDevice('Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36', { mobile: true }).device).toBe('phone');
  });
  it('keeps the user agent within the reported limit', () => {
    expect(describeDevice('x'.repeat(600)).userAgent).toHaveLength(512);
    expect(describeDevice('x'.repeat(600))).toMatchObject({ browser: 'Unknown', os: 'Unknown', device: 'unknown' });
  });
});
