// How much of the SD card Hearth keeps for conversations' evaluated states, so
// that reopening one (or the first question after a boot) does not wait for its
// history to be read again. A choice of sizes rather than a number to type: the
// kiosk has no keyboard, and the exact figure matters little.
import { useId, useState } from 'react';
import type { Settings } from '../../../../shared/api';
import { formatBytes } from '../../format';
import { SaveStatusLine } from './SaveStatusLine';
import { OverrideNotes, SettingsSection } from './SettingsSection';
import { overriddenBy } from './settingsForm';
import { useSettingsSave } from './useSettingsSave';

const SIZES_MB = [0, 128, 256, 512, 1000, 2000, 4000];

const sizeLabel = (mb: number): string =>
  mb === 0 ? 'Off' : mb >= 1000 && mb % 100 === 0 ? `${mb / 1000} GB` : `${mb} MB`;

export function ConversationMemorySection({ settings }: { settings: Settings }) {
  const { status, save, saving } = useSettingsSave();
  const id = useId();
  const [choosing, setChoosing] = useState<number | null>(null);
  const overridden = overriddenBy(settings, ['conversationMemoryMb']);
  const chosen = choosing ?? settings.conversationMemoryMb;
  const sizes = SIZES_MB.includes(chosen) ? SIZES_MB : [...SIZES_MB, chosen].sort((a, b) => a - b);
  const choose = async (mb: number) => {
    setChoosing(mb);
    await save({ conversationMemoryMb: mb });
    setChoosing(null);
  };

  return (
    <SettingsSection name="memory" title="Conversation memory" labelFor={id}>
      {() => (
        <>
          <p className="muted" id={`${id}-hint`}>
            Hearth keeps what it has read of each conversation on disk, so an older conversation, or
            the first question after a restart, answers without reading it all again. The least
            recently used go first when this fills up.
          </p>
          <OverrideNotes variables={overridden} />
          <label htmlFor={id}>Conversation memory on disk</label>
          <select
            id={id}
            name="conversationMemoryMb"
            aria-describedby={`${id}-hint ${id}-used`}
            value={chosen}
            disabled={overridden.length > 0 || saving}
            onChange={(event) => void choose(Number(event.target.value))}
          >
            {sizes.map((mb) => (
              <option key={mb} value={mb}>
                {sizeLabel(mb)}
              </option>
            ))}
          </select>
          <p className="muted" id={`${id}-used`}>
            In use: {formatBytes(settings.conversationMemoryUsedBytes)}
          </p>
          <SaveStatusLine status={status} />
        </>
      )}
    </SettingsSection>
  );
}
