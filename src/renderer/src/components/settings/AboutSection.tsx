import type { Settings } from '../../../../shared/api';
import { SettingsSection } from './SettingsSection';

/** Where things are, for the owner who looks after the machine (over SSH, for example). */
export function AboutSection({ settings }: { settings: Settings }) {
  const { about } = settings;
  const rows: [string, string][] = [
    ['Version', about.version],
    ['Model', about.model ?? 'None loaded'],
    ['Model file', about.modelPath ?? 'None'],
    ['Data folder', about.dataDir],
    ['Settings file', about.configFile],
    ['Models folder', about.modelsDir],
    ['Logs', about.logs],
  ];
  return (
    <SettingsSection name="about" title="About">
      {() => (
        <dl className="about">
          {rows.map(([term, value]) => (
            <div key={term} className="about-row">
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </SettingsSection>
  );
}
