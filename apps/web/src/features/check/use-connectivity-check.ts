import type { CheckIceServers, ConnectivityReport, ConnectivityReportBody } from '@tutorline/contracts';
import type { CheckSetup } from '@tutorline/contracts/plain';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../lib/api';
import { type CheckOutcome, directOutcome, passed, problem, type RelayTry, relayOutcomes, skipped } from './check-problems';
import { type RowState, type StepId, stepIds, stepWaitingText } from './check-steps';
import { checkCamera, checkMicrophone, playTestTone } from './media-checks';
import { checkRelay, checkStun, describeDevice, measureDownload, measureUpload } from './network-checks';

export type CheckPhase = 'idle' | 'running' | 'saving' | 'done';

type Rows = Record<StepId, RowState>;
const freshRows = (): Rows => Object.fromEntries(stepIds.map((id) => [id, { status: 'waiting', detail: stepWaitingText[id], progress: null }])) as Rows;

const short = (s: string) => s.slice(0, 300);

/** A row from what a step found: only the outcome's own fields, the detail cut to what a report keeps. */
function toRow(o: CheckOutcome): RowState {
  if (o.status === 'pass') return { status: 'pass', detail: short(o.detail), progress: null };
  if (o.status === 'skipped') return { status: 'skipped', detail: short(o.detail), bySite: o.bySite, progress: null };
  return { status: o.status, kind: o.kind, detail: short(o.detail), tip: o.tip, progress: null };
}

/** What this site offers calls, from its answer to GET /api/check/ice-servers. */
export const setupOf = (ice: CheckIceServers): CheckSetup => ({ stun: ice.stunUrls.length > 0, turnUdp: Boolean(ice.turn?.udpUrls.length), turnTcp: Boolean(ice.turn?.tcpUrls.length) });

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
  /** What the site offers calls; null until (or when) the page could not ask. */
  const [setup, setSetup] = useState<CheckSetup | null>(null);

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
    setSetup(null);
    setReport(null);
    setSaveError(null);
    setPhase('running');

    const set = (id: StepId, row: (old: RowState) => RowState) => {
      if (alive()) setRows((r) => ({ ...r, [id]: row(r[id]) }));
    };
    const begin = (id: StepId, detail: string) => {
      if (!alive()) return;
      setCurrent(id);
      set(id, () => ({ status: 'running', detail, progress: null }));
    };
    const progress = (id: StepId, value: number) => set(id, (old) => ({ ...old, progress: value }));
    const finish = (id: StepId, o: CheckOutcome) => set(id, () => toRow(o));

    void (async () => {
      begin('camera', 'Opening your camera… If asked, tap Allow.');
      const camera = await checkCamera();
      if (!alive()) return camera.stream?.getTracks().forEach((t) => t.stop());
      if (camera.stream) setPreview(camera.stream);
      finish('camera', camera);

      begin('microphone', 'Say "hello"! We are listening… If asked, tap Allow.');
      const audio = audioRef.current;
      const mic = audio ? await checkMicrophone(audio, (level) => alive() && setMicLevel(level)) : { ...problem('soundUnsupported'), peakLevel: null };
      if (!alive()) return;
      finish('microphone', mic);

      begin('speaker', 'Playing a sound… Turn your volume up.');
      let speaker: CheckOutcome;
      if (!audio) {
        speaker = skipped('This browser cannot play the test sound.');
      } else {
        const answer = new Promise<boolean | null>((resolve) => (speakerAnswer.current = resolve));
        await playTestTone(audio);
        if (!alive()) return;
        setSpeakerAsked(true);
        set('speaker', (old) => ({ status: 'running', detail: 'We played a short tune.', progress: old.progress }));
        const heard = await answer;
        speakerAnswer.current = null;
        setSpeakerAsked(false);
        if (!alive()) return;
        speaker = heard ? passed('You heard the test sound.') : problem('speakerNotHeard');
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
      if (ice) setSetup(setupOf(ice));
      const stun = ice ? await checkStun(ice.stunUrls) : { ...problem('siteUnreachable'), publicAddressSeen: false, ms: null };
      if (!alive()) return;
      finish('stun', stun);

      /** A relay try over one transport; null when the site offers none over it. */
      const relay = async (id: 'turnUdp' | 'turnTcp', transport: 'udp' | 'tcp'): Promise<RelayTry | null> => {
        begin(id, `Connecting through our relay over ${transport.toUpperCase()}…`);
        const turn = ice?.turn;
        const urls = transport === 'udp' ? turn?.udpUrls : turn?.tcpUrls;
        if (!turn || !urls?.length) return null;
        return checkRelay(urls, turn.username, turn.credential, transport);
      };
      // Without the site's answer nothing about the relay is known: not tested, and not the site's fault.
      const relayRows = (udp: RelayTry | null, tcp: RelayTry | null) =>
        ice ? relayOutcomes(udp, tcp) : { turnUdp: skipped('Could not get the relay details from Tutorline.'), turnTcp: skipped('Could not get the relay details from Tutorline.') };
      const udp = await relay('turnUdp', 'udp');
      if (!alive()) return;
      // For now as if UDP were the only way; settled once TCP has been tried too.
      finish('turnUdp', relayRows(udp, null).turnUdp);
      const tcp = await relay('turnTcp', 'tcp');
      if (!alive()) return;
      const relays = relayRows(udp, tcp);
      finish('turnUdp', relays.turnUdp);
      finish('turnTcp', relays.turnTcp);
      const stunFinal = directOutcome(stun, Boolean(udp?.ok || tcp?.ok));
      finish('stun', stunFinal);

      begin('upload', 'Sending a little test data…');
      const up = await measureUpload((p) => progress('upload', p));
      if (!alive()) return;
      finish('upload', up);

      begin('download', 'Receiving a little test data…');
      const down = await measureDownload((p) => progress('download', p));
      if (!alive()) return;
      finish('download', down);
      setCurrent(null);
      stopPreview();

      const item = (o: CheckOutcome) => ({ status: o.status, detail: short(o.detail) });
      const body: ConnectivityReportBody = {
        camera: item(camera),
        microphone: { ...item(mic), peakLevel: mic.peakLevel },
        speaker: item(speaker),
        stun: { ...item(stunFinal), publicAddressSeen: stun.publicAddressSeen, ms: stun.ms },
        turnUdp: { ...item(relays.turnUdp), ms: udp?.ok ? udp.ms : null },
        turnTcp: { ...item(relays.turnTcp), ms: tcp?.ok ? tcp.ms : null },
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
  return { phase, rows, setup, current, preview, micLevel, speakerAsked, report, saveError, progress: finished / stepIds.length, start, answerSpeaker, replayTone, retrySave };
}
export type ConnectivityCheck = ReturnType<typeof useConnectivityCheck>;
