// The model chooser's parts: what a catalog card shows and does, including the
// question before downloading a model that may not fit, the file list of "Use
// a file", and removing models in Settings. No DOM here: markup comes from
// server rendering, and buttons are pressed through the elements the hook-free
// views return (viewTree.ts).
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { CatalogModel, ModelFile } from '../../../../shared/api';
import { buttonNames, press, textOf } from '../../../../testing/viewTree';
import { ModelCard, type ModelCardProps } from './ModelCard';
import { ModelFileList } from './ModelFilePicker';
import { UnfinishedList } from './UnfinishedList';

const MB = 1_000_000;

const model = (over: Partial<CatalogModel> = {}): CatalogModel => ({
  id: 'qwen2.5-0.5b-instruct',
  displayName: 'Qwen2.5 0.5B Instruct',
  parameters: '0.5B',
  licence: 'Apache-2.0',
  description: 'Fastest; short, simple answers.',
  sizeBytes: 398 * MB,
  tokensPerSecond: 15.1,
  recommended: false,
  pinned: true,
  installed: false,
  fits: true,
  memoryBytes: 750 * MB,
  ...over,
});

function card(over: Partial<ModelCardProps> = {}) {
  const props: ModelCardProps = {
    model: model(),
    unfinished: undefined,
    asking: false,
    onUse: null,
    onDownload: vi.fn(),
    onAsk: vi.fn(),
    onDismiss: vi.fn(),
    ...over,
  };
  return { props, view: <ModelCard {...props} /> };
}

describe('a catalog card', () => {
  it('shows size, memory, speed on a Pi 5, licence and the Recommended badge', () => {
    const html = renderToStaticMarkup(card({ model: model({ recommended: true }) }).view);
    for (const text of [
      'Qwen2.5 0.5B Instruct',
      'Recommended',
      '398 MB',
      '750 MB',
      'about 11 words a second',
      'Apache-2.0',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('Installed');
  });

  it('downloads a model that fits with one tap', () => {
    const { props, view } = card();
    expect(buttonNames(view)).toEqual(['Download Qwen2.5 0.5B Instruct']);
    press(view, 'Download Qwen2.5 0.5B Instruct');
    expect(props.onDownload).toHaveBeenCalledTimes(1);
    expect(props.onAsk).not.toHaveBeenCalled();
  });

  it('warns about a model that may not fit and asks before downloading it', () => {
    const fitWarning =
      'Qwen2.5 0.5B Instruct needs about 750 MB of memory, but this machine has 512 MB.';
    const tight = model({ fits: false, fitWarning });
    const first = card({ model: tight });
    expect(renderToStaticMarkup(first.view)).toContain(fitWarning);
    press(first.view, 'Download Qwen2.5 0.5B Instruct');
    expect(first.props.onAsk).toHaveBeenCalledTimes(1);
    expect(first.props.onDownload).not.toHaveBeenCalled();

    const asking = card({ model: tight, asking: true });
    expect(renderToStaticMarkup(asking.view)).toContain('It may not fit');
    expect(buttonNames(asking.view)).toEqual(['Download anyway Qwen2.5 0.5B Instruct', 'Not now']);
    press(asking.view, 'Not now');
    expect(asking.props.onDismiss).toHaveBeenCalledTimes(1);
    expect(asking.props.onDownload).not.toHaveBeenCalled();
    press(asking.view, 'Download anyway Qwen2.5 0.5B Instruct');
    expect(asking.props.onDownload).toHaveBeenCalledTimes(1);
  });

  it('continues an unfinished download, saying how far it got', () => {
    const { props, view } = card({
      unfinished: {
        fileName: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf',
        bytes: 120 * MB,
        total: 398 * MB,
        catalogId: 'qwen2.5-0.5b-instruct',
      },
    });
    expect(textOf(view, true)).toContain('Continue download (120 MB of 398 MB)');
    press(view, 'Continue download of Qwen2.5 0.5B Instruct (120 MB of 398 MB)');
    expect(props.onDownload).toHaveBeenCalledTimes(1);
  });

  it('an installed model is marked so, with Use where the chooser offers it', () => {
    const onUse = vi.fn();
    const installed = card({ model: model({ installed: true }), onUse });
    expect(renderToStaticMarkup(installed.view)).toContain('Installed');
    press(installed.view, 'Use Qwen2.5 0.5B Instruct');
    expect(onUse).toHaveBeenCalledTimes(1);
    expect(buttonNames(card({ model: model({ installed: true }) }).view)).toEqual([]);
  });
});

describe('Use a file', () => {
  const file = (over: Partial<ModelFile>): ModelFile => ({
    path: '/media/pi/STICK/models/mine.gguf',
    fileName: 'mine.gguf',
    sizeBytes: 1_185_376,
    location: 'usb',
    current: false,
    fits: true,
    memoryBytes: 20 * MB,
    ...over,
  });

  it('lists each file with its size, where it is and a Use button for its path', () => {
    const onUse = vi.fn();
    const files = [
      file({}),
      file({
        path: '/data/models/big.gguf',
        fileName: 'big.gguf',
        location: 'models',
        fits: false,
        fitWarning: 'big.gguf needs about 9 GB of memory.',
      }),
    ];
    const view = <ModelFileList files={files} label="Model files" onUse={onUse} />;
    const html = renderToStaticMarkup(view);
    expect(html).toContain('aria-label="Model files"');
    expect(html).toContain('1.2 MB · USB stick');
    expect(html).toContain('Models folder');
    expect(html).toContain('big.gguf needs about 9 GB of memory.');
    press(view, 'Use big.gguf');
    expect(onUse).toHaveBeenCalledWith('/data/models/big.gguf');
  });

  it('asks before using a file that does not fit, and uses it only on "Use anyway"', () => {
    const big = file({ path: '/data/models/big.gguf', fileName: 'big.gguf', fits: false });
    const onUse = vi.fn();
    const onAsk = vi.fn();
    const onDismiss = vi.fn();
    const closed = (
      <ModelFileList files={[big]} label="Model files" onUse={onUse} onAsk={onAsk} asking={null} />
    );
    press(closed, 'Use big.gguf');
    expect(onAsk).toHaveBeenCalledWith('/data/models/big.gguf');
    expect(onUse).not.toHaveBeenCalled();

    const open = (
      <ModelFileList
        files={[big]}
        label="Model files"
        onUse={onUse}
        onAsk={onAsk}
        onDismiss={onDismiss}
        asking="/data/models/big.gguf"
      />
    );
    expect(buttonNames(open)).toEqual(['Use anyway big.gguf', 'Not now']);
    press(open, 'Not now');
    expect(onDismiss).toHaveBeenCalledTimes(1);
    expect(onUse).not.toHaveBeenCalled();
    press(open, 'Use anyway big.gguf');
    expect(onUse).toHaveBeenCalledWith('/data/models/big.gguf');
  });

  it('marks the model in use instead of offering it again', () => {
    const view = (
      <ModelFileList files={[file({ current: true })]} label="Installed models" onUse={() => {}} />
    );
    expect(buttonNames(view)).toEqual([]);
    expect(renderToStaticMarkup(view)).toContain('In use');
  });

  it('with no files says where to put one', () => {
    const html = renderToStaticMarkup(
      <ModelFileList files={[]} label="Model files" onUse={() => {}} />,
    );
    expect(html).toContain(
      'Copy a .gguf file into Hearth&#x27;s models folder or plug in a USB stick with one, then refresh.',
    );
  });
});

describe('removing models in Settings', () => {
  const installed = (over: Partial<ModelFile>): ModelFile => ({
    path: '/data/models/a.gguf',
    fileName: 'a.gguf',
    sizeBytes: 398 * MB,
    location: 'models',
    current: false,
    fits: true,
    memoryBytes: 750 * MB,
    ...over,
  });
  const removal = (asking: string | null = null) => ({
    asking,
    onAsk: vi.fn(),
    onConfirm: vi.fn(),
    onCancel: vi.fn(),
  });

  it('offers Remove on each installed model but the one in use, and asks first', () => {
    const files = [
      installed({ current: true, path: '/data/models/used.gguf', fileName: 'used.gguf' }),
      installed({}),
    ];
    const closed = removal();
    const view = (r: ReturnType<typeof removal>) => (
      <ModelFileList
        files={files}
        label="Installed models"
        showLocation={false}
        onUse={() => {}}
        removal={r}
      />
    );
    expect(buttonNames(view(closed))).toEqual(['Use a.gguf', 'Remove a.gguf']);
    press(view(closed), 'Remove a.gguf');
    expect(closed.onAsk).toHaveBeenCalledWith('a.gguf');

    const open = removal('a.gguf');
    expect(textOf(view(open), true)).toContain('Remove a.gguf? It frees 398 MB.');
    expect(buttonNames(view(open))).toEqual(['Remove', 'Cancel']);
    press(view(open), 'Cancel');
    expect(open.onCancel).toHaveBeenCalledTimes(1);
    expect(open.onConfirm).not.toHaveBeenCalled();
    press(view(open), 'Remove');
    expect(open.onConfirm).toHaveBeenCalledWith('a.gguf');
  });

  it('"Use a file" offers no Remove', () => {
    const view = <ModelFileList files={[installed({})]} label="Model files" onUse={() => {}} />;
    expect(buttonNames(view)).toEqual(['Use a.gguf']);
  });

  it('lists unfinished downloads by model name with how far they got, each with Remove that asks first', () => {
    const unfinished = [
      {
        fileName: 'Qwen2.5-0.5B-Instruct-Q4_K_M.gguf',
        bytes: 120 * MB,
        total: 398 * MB,
        catalogId: 'qwen2.5-0.5b-instruct',
      },
      { fileName: 'mine.gguf', bytes: 5 * MB, total: null, catalogId: null },
    ];
    const view = (r: ReturnType<typeof removal>) => (
      <UnfinishedList
        unfinished={unfinished}
        catalog={[model()]}
        label="Unfinished downloads"
        removal={r}
      />
    );
    const closed = removal();
    const text = textOf(view(closed), true);
    expect(text).toContain('Qwen2.5 0.5B Instruct120 MB of 398 MB downloaded');
    expect(text).toContain('mine.gguf5.0 MB downloaded');
    expect(buttonNames(view(closed))).toEqual([
      'Remove the unfinished download of Qwen2.5 0.5B Instruct',
      'Remove the unfinished download of mine.gguf',
    ]);
    press(view(closed), 'Remove the unfinished download of Qwen2.5 0.5B Instruct');
    expect(closed.onAsk).toHaveBeenCalledWith('Qwen2.5-0.5B-Instruct-Q4_K_M.gguf');

    const open = removal('Qwen2.5-0.5B-Instruct-Q4_K_M.gguf');
    expect(textOf(view(open), true)).toContain(
      'Remove the unfinished download of Qwen2.5 0.5B Instruct? It frees 120 MB.',
    );
    press(view(open), 'Remove');
    expect(open.onConfirm).toHaveBeenCalledWith('Qwen2.5-0.5B-Instruct-Q4_K_M.gguf');
  });
});
