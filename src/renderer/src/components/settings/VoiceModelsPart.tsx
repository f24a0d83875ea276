// Settings > Voice's models part with its state: asks main for the voice list
// when it opens, when a download ends (what is installed changed) and when a
// voice choice is saved (what is in use changed), and remembers which Remove is
// being confirmed and why the last request was refused.
import { useEffect, useRef, useState } from 'react';
import type { Settings, SettingsChange } from '../../../../shared/api';
import { useActions, useHearth } from '../../store/context';
import { isVoiceDownloadUnderWay } from '../../store/voiceModels';
import { voiceModelHandlers, VoiceModelsView } from './VoiceModelsView';

export interface VoiceModelsPartProps {
  id: string;
  settings: Settings;
  choosing: SettingsChange;
  saving: boolean;
  onChoose(change: SettingsChange): void;
}

export function VoiceModelsPart({
  id,
  settings,
  choosing,
  saving,
  onChoose,
}: VoiceModelsPartProps) {
  const list = useHearth((s) => s.voiceModels);
  const download = useHearth((s) => s.voiceDownload);
  const availability = useHearth((s) => s.voiceAvailability);
  const actions = useActions();
  const [asking, setAsking] = useState<string | null>(null);
  const [problem, setProblem] = useState<string>();
  const busy = isVoiceDownloadUnderWay(download);
  const wasBusy = useRef(busy);

  // On opening, and whenever a saved choice (or main's view of the engines) changes:
  // a chosen model that fails to load at its first use changes the availability.
  useEffect(() => {
    void actions.loadVoiceModels();
  }, [actions, settings.voiceRecognizer, settings.voiceVoice, settings.voice, availability]);

  // When a job ends, what is installed, and maybe what is in use, has changed.
  useEffect(() => {
    if (wasBusy.current && !busy) void actions.loadVoiceModels();
    wasBusy.current = busy;
  }, [busy, actions]);

  return (
    <VoiceModelsView
      id={id}
      settings={settings}
      list={list}
      download={download}
      choosing={choosing}
      saving={saving}
      asking={asking}
      problem={problem}
      handlers={voiceModelHandlers(actions, {
        choose: onChoose,
        ask: setAsking,
        report: setProblem,
      })}
    />
  );
}
