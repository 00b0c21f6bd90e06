import type { CheckIceServers, ConnectivityReport, ConnectivityReportBody } from '@tutorline/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../lib/api';
import { type RowState, type StepId, stepIds, stepWaitingText, type Verdict } from './check-steps';
import { checkCamera, checkMicrophone, type CheckOutcome, playTestTone } from './media-checks';
import { checkRelay, checkStun, describeDevice, measureDownload, measureUpload } from './network-checks';

export type CheckPhase = 'idle' | 'running' | 'saving' | 'done';

type Rows = Record<StepId, RowState>;
const freshRows = (): Rows => Object.fromEntries(stepIds.map((id) => [id, { status: 'waiting', detail: stepWaitingText[id], advice: null, progress: null }])) as Rows;

const short = (s: string) => s.slice(0, 300);

/** Runs the self-test one step at a time, then saves the report. Everything stops if the page goes away. */
export function useConnectivityCheck() {
  const [phase, setPhase] = useState<CheckPhase>('idle');
  const [rows, setRows] = useState<Rows>(freshRows);
  const [current, setCurrent] = useState<StepId | null>(null);
  const [preview, setPreview] = useState<MediaStream | null>(null);
  const [micLevel, setMicLevel] = useState(0);
  const [speakerAsked, setSpeakerAsked] = useState(false);
  const [report, setReport] = useState<ConnectivityReport | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);

  const audioRef = useRef<AudioContext | null>(null);
  const speakerAnswer = useRef<((heard: boolean | null) => void) | null>(null);
  const bodyRef = useRef<ConnectivityReportBody | null>(null);
  const runId = useRef(0);

  const stopPreview = useCallback(() => {
    setPreview((stream) => {
      for (const track of stream?.getTracks() ?? []) track.stop();
      return null;
    });
  }, []);

  useEffect(
    () => () => {
      runId.current++;
      speakerAnswer.current?.(null);
      setPreview((stream) => {
        for (const track of stream?.getTracks() ?? []) track.stop();
        return null;
      });
      void audioRef.current?.close().catch(() => undefined);
      audioRef.current = null;
    },
    [],
  );

  const save = useCallback(async (body: ConnectivityReportBody) => {
    setPhase('saving');
    setSaveError(null);
    try {
      setReport(await api.post<ConnectivityReport>('/api/check/reports', body));
    } catch (error) {
      setSaveError(error);
    }
    setPhase('done');
  }, []);

  const start = useCallback(() => {
    const run = ++runId.current;
    const alive = () => runId.current === run;
    // Created inside the tap, so the browser lets it play sound.
    const AudioCtor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!audioRef.current && AudioCtor) audioRef.current = new AudioCtor();
    void audioRef.current?.resume().catch(() => undefined);
    stopPreview();
    setRows(freshRows());
    setReport(null);
    setSaveError(null);
    setPhase('running');

    const update = (id: StepId, patch: Partial<RowState>) => {
      if (alive()) setRows((r) => ({ ...r, [id]: { ...r[id], ...patch } }));
    };
    const begin = (id: StepId, detail: string) => {
      if (!alive()) return;
      setCurrent(id);
      update(id, { status: 'running', detail, advice: null, progress: null });
    };
    const finish = (id: StepId, o: CheckOutcome) => update(id, { status: o.status, detail: short(o.detail), advice: o.advice, progress: null });

    void (async () => {
      begin('camera', 'Opening your camera… If asked, tap Allow.');
      const camera = await checkCamera();
      if (!alive()) return camera.stream?.getTracks().forEach((t) => t.stop());
      if (camera.stream) setPreview(camera.stream);
      finish('camera', camera);

      begin('microphone', 'Say "hello"! We are listening… If asked, tap Allow.');
      const audio = audioRef.current;
      const mic = audio
        ? await checkMicrophone(audio, (level) => alive() && setMicLevel(level))
        : { status: 'fail' as const, detail: 'This browser cannot process sound.', advice: 'Update your browser, or use Chrome.', peakLevel: null };
      if (!alive()) return;
      finish('microphone', mic);

      begin('speaker', 'Playing a sound… Turn your volume up.');
      let speaker: CheckOutcome;
      if (!audio) {
        speaker = { status: 'skipped', detail: 'This browser cannot play the test sound.', advice: null };
      } else {
        const answer = new Promise<boolean | null>((resolve) => (speakerAnswer.current = resolve));
        await playTestTone(audio);
        if (!alive()) return;
        setSpeakerAsked(true);
        update('speaker', { detail: 'We played a short tune.' });
        const heard = await answer;
        speakerAnswer.current = null;
        setSpeakerAsked(false);
        if (!alive()) return;
        speaker = heard
          ? { status: 'pass', detail: 'You heard the test sound.', advice: null }
          : { status: 'fail', detail: 'You did not hear the test sound.', advice: 'Turn the volume up, switch off silent mode, or check your headphones are plugged in.' };
      }
      finish('speaker', speaker);

      begin('stun', 'Looking for your internet address…');
      let ice: CheckIceServers | null = null;
      try {
        ice = await api.get<CheckIceServers>('/api/check/ice-servers');
      } catch {
        ice = null;
      }
      if (!alive()) return;
      const stun = ice
        ? await checkStun(ice.stunUrls)
        : { status: 'fail' as const, detail: 'Could not reach Tutorline to start the network tests.', advice: 'Check that you are online, then run the test again.', publicAddressSeen: false, ms: null };
      if (!alive()) return;
      finish('stun', stun);

      const relay = async (id: 'turnUdp' | 'turnTcp', transport: 'udp' | 'tcp') => {
        begin(id, `Connecting through our relay over ${transport.toUpperCase()}…`);
        const turn = ice?.turn;
        const urls = transport === 'udp' ? turn?.udpUrls : turn?.tcpUrls;
        if (!turn || !urls?.length) {
          const detail = ice?.turnUnavailable ?? (ice ? `No ${transport.toUpperCase()} relay is set up on this server.` : 'Could not get the relay details from Tutorline.');
          const o = { status: 'skipped' as const, detail, advice: null, ms: null };
          finish(id, o);
          return o;
        }
        const r = await checkRelay(urls, turn.username, turn.credential, transport);
        const o = r.ok
          ? { status: 'pass' as const, detail: `Works: connected in ${r.ms} ms.`, advice: null, ms: r.ms }
          : { status: 'fail' as const, detail: short(`Did not connect over ${transport.toUpperCase()}: ${r.reason}.`), advice: null, ms: null };
        finish(id, o);
        return o;
      };
      const udp = await relay('turnUdp', 'udp');
      if (!alive()) return;
      const tcp = await relay('turnTcp', 'tcp');
      if (!alive()) return;
      // Advice depends on both transports together.
      const relayAdvice =
        udp.status === 'fail' && tcp.status === 'pass'
          ? "Your network blocks video calls over UDP; we'll use TCP, calls may lag."
          : udp.status === 'pass' && tcp.status === 'fail'
            ? 'The backup way is blocked, but the fast way works, so calls should be fine.'
            : udp.status === 'fail' && tcp.status === 'fail'
              ? 'Your network blocks our video relay. Try another Wi-Fi, or mobile data. At school, ask the IT team to allow Tutorline.'
              : null;
      if (stun.status === 'warn' && (udp.status === 'pass' || tcp.status === 'pass')) {
        update('stun', { advice: 'Calls may not connect directly on this network, but our relay works, so calls will go through it.' });
      }
      if (relayAdvice) {
        if (udp.status === 'fail') update('turnUdp', { advice: relayAdvice });
        if (tcp.status === 'fail') update('turnTcp', { advice: relayAdvice });
      }

      begin('upload', 'Sending a little test data…');
      const up = await measureUpload((p) => update('upload', { progress: p }));
      if (!alive()) return;
      finish('upload', up);

      begin('download', 'Receiving a little test data…');
      const down = await measureDownload((p) => update('download', { progress: p }));
      if (!alive()) return;
      finish('download', down);
      setCurrent(null);
      stopPreview();

      const item = (o: { status: Verdict; detail: string }) => ({ status: o.status, detail: short(o.detail) });
      const body: ConnectivityReportBody = {
        camera: item(camera),
        microphone: { ...item(mic), peakLevel: mic.peakLevel },
        speaker: item(speaker),
        stun: { ...item(stun), publicAddressSeen: stun.publicAddressSeen, ms: stun.ms },
        turnUdp: { ...item(udp), ms: udp.ms },
        turnTcp: { ...item(tcp), ms: tcp.ms },
        uploadKbps: up.kbps,
        downloadKbps: down.kbps,
        diagnostics: describeDevice(),
      };
      bodyRef.current = body;
      await save(body);
    })();
  }, [save, stopPreview]);

  const answerSpeaker = useCallback((heard: boolean) => speakerAnswer.current?.(heard), []);
  const replayTone = useCallback(() => {
    if (audioRef.current) void playTestTone(audioRef.current);
  }, []);
  const retrySave = useCallback(() => {
    if (bodyRef.current) void save(bodyRef.current);
  }, [save]);

  const finished = stepIds.filter((id) => !['waiting', 'running'].includes(rows[id].status)).length;
  return { phase, rows, current, preview, micLevel, speakerAsked, report, saveError, progress: finished / stepIds.length, start, answerSpeaker, replayTone, retrySave };
}
export type ConnectivityCheck = ReturnType<typeof useConnectivityCheck>;
