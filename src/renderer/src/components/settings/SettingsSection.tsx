import { useId, type ReactNode } from 'react';
import { overrideNote } from './settingsForm';

/**
 * One titled part of the Settings sheet; its heading names it for assistive
 * technology, and is the visible label of its one field when `labelFor` names it.
 */
export function SettingsSection({
  name,
  title,
  labelFor,
  children,
}: {
  /** Where the sheet's section links jump to. */
  name: string;
  title: string;
  labelFor?: string;
  children: (headingId: string) => ReactNode;
}) {
  const headingId = useId();
  return (
    <section className="settings-section" data-section={name} aria-labelledby={headingId}>
      <h3 id={headingId}>{labelFor ? <label htmlFor={labelFor}>{title}</label> : title}</h3>
      {children(headingId)}
    </section>
  );
}

/** A note that the environment decides a setting, so changing it here cannot work. */
export function OverrideNotes({ variables }: { variables: string[] }) {
  return variables.map((variable) => (
    <p key={variable} className="override-note">
      {overrideNote(variable)}
    </p>
  ));
}
