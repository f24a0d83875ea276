// Picking the model Hearth answers with: on first run (the setup screen) and
// later from Settings, where the installed models can be switched to or
// removed, and unfinished downloads removed, to free the card. While a
// download or copy runs, only its progress shows.
import { useEffect, useId, useRef, useState } from 'react';
import { useActions, useHearth } from '../../store/context';
import { DownloadProgress } from './DownloadProgress';
import { ModelCard } from './ModelCard';
import { ModelFileList, ModelFilePicker } from './ModelFilePicker';
import type { Removal } from './RemovePrompt';
import { isUnderWay, unfinishedFor } from './setupChoices';
import { UnfinishedList } from './UnfinishedList';

export interface ModelChooserProps {
  /**
   * 'settings' also lists the installed models, each with Use and Remove, marks
   * the one in use, and lists unfinished downloads with Remove.
   */
  mode: 'setup' | 'settings';
}

export function ModelChooser({ mode }: ModelChooserProps) {
  const models = useHearth((s) => s.models);
  const download = useHearth((s) => s.download);
  const actions = useActions();
  const [asking, setAsking] = useState<string | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [filesOpen, setFilesOpen] = useState(false);
  const [askingFile, setAskingFile] = useState<string | null>(null);
  const [removing, setRemoving] = useState<{
    list: 'installed' | 'unfinished';
    fileName: string;
  }>();
  const ids = useId();
  const busy = isUnderWay(download);
  // Under the setup screen's title, or under the Model section of Settings.
  const Heading = mode === 'setup' ? 'h3' : 'h4';
  const wasBusy = useRef(busy);

  useEffect(() => {
    void actions.loadModels();
  }, [actions]);

  // When a job ends, what is installed or half-downloaded has changed.
  useEffect(() => {
    if (wasBusy.current && !busy) {
      void actions.loadModels();
      if (filesOpen) void actions.loadModelFiles();
    }
    wasBusy.current = busy;
  }, [busy, filesOpen, actions]);

  if (busy) return <DownloadProgress />;

  const installedPath = (catalogId: string) =>
    models?.installed.find((file) => file.catalogId === catalogId)?.path;
  const removal = (list: 'installed' | 'unfinished'): Removal => ({
    asking: removing?.list === list ? removing.fileName : null,
    onAsk: (fileName) => setRemoving({ list, fileName }),
    onCancel: () => setRemoving(undefined),
    onConfirm: (fileName) => {
      setRemoving(undefined);
      void actions.removeModel(fileName);
    },
  });

  return (
    <div className="chooser">
      <DownloadProgress />
      {mode === 'settings' && models && models.installed.length > 0 && (
        <section className="chooser-part" aria-labelledby={`${ids}-installed`}>
          <Heading id={`${ids}-installed`} className="chooser-heading">
            On this Hearth
          </Heading>
          <ModelFileList
            files={models.installed}
            label="Installed models"
            showLocation={false}
            asking={askingFile}
            onAsk={setAskingFile}
            onDismiss={() => setAskingFile(null)}
            onUse={(path) => {
              setAskingFile(null);
              void actions.useModelFile(path);
            }}
            removal={removal('installed')}
          />
        </section>
      )}
      {mode === 'settings' && models && models.unfinished.length > 0 && (
        <section className="chooser-part" aria-labelledby={`${ids}-unfinished`}>
          <Heading id={`${ids}-unfinished`} className="chooser-heading">
            Unfinished downloads
          </Heading>
          <UnfinishedList
            unfinished={models.unfinished}
            catalog={models.catalog}
            label="Unfinished downloads"
            removal={removal('unfinished')}
          />
        </section>
      )}
      <section className="chooser-part" aria-labelledby={`${ids}-catalog`}>
        <Heading id={`${ids}-catalog`} className="chooser-heading">
          Download a model
        </Heading>
        {models === null ? (
          <p className="muted">Loading the list of models…</p>
        ) : (
          <ul className="model-cards" aria-labelledby={`${ids}-catalog`}>
            {models.catalog.map((model) => {
              const path = mode === 'setup' ? installedPath(model.id) : undefined;
              return (
                <ModelCard
                  key={model.id}
                  model={model}
                  headingLevel={mode === 'setup' ? 4 : 5}
                  unfinished={unfinishedFor(model, models.unfinished)}
                  asking={asking === model.id}
                  refocus={dismissed === model.id}
                  onUse={path === undefined ? null : () => void actions.useModelFile(path)}
                  onAsk={() => {
                    setAsking(model.id);
                    setDismissed(null);
                  }}
                  onDismiss={() => {
                    setAsking(null);
                    setDismissed(model.id);
                  }}
                  onDownload={() => {
                    setAsking(null);
                    void actions.downloadModel({ catalogId: model.id });
                  }}
                />
              );
            })}
          </ul>
        )}
      </section>
      <section className="chooser-part" aria-labelledby={`${ids}-file`}>
        <Heading id={`${ids}-file`} className="chooser-heading chooser-file-head">
          <button
            type="button"
            className="button"
            aria-expanded={filesOpen}
            aria-controls={`${ids}-files`}
            onClick={() => setFilesOpen((open) => !open)}
          >
            Use a file
          </button>
        </Heading>
        <div id={`${ids}-files`} hidden={!filesOpen}>
          {filesOpen && <ModelFilePicker />}
        </div>
      </section>
    </div>
  );
}
