// Removing a model from Settings: no event announces it, so the action asks
// for the lists again; a refusal becomes the store's problem, in Hearth's words.
import { describe, expect, it } from 'vitest';
import type { ModelFile, ModelList } from '../../../shared/api';
import { HearthCallError } from '../../../shared/transport';
import { connectedHearths, conversation, settle, snapshot } from '../../../testing/rendererFakes';

const connect = connectedHearths();

const file = (fileName: string): ModelFile => ({
  path: `/data/models/${fileName}`,
  fileName,
  sizeBytes: 1_000_000,
  location: 'models',
  current: false,
  fits: true,
  memoryBytes: 2_000_000,
});

const list = (names: string[]): ModelList => ({
  catalog: [],
  installed: names.map(file),
  unfinished: [],
  download: null,
});

describe('removeModel', () => {
  it('removes, then reloads the model list and an open file list', async () => {
    let names = ['a.gguf', 'b.gguf'];
    const { hearth, fake } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
      listModels: () => list(names),
      listModelFiles: () => names.map(file),
      removeModel: ({ fileName }: { fileName: string }) => {
        names = names.filter((name) => name !== fileName);
        return { ok: true };
      },
    });
    await hearth.actions.loadModels();
    await hearth.actions.loadModelFiles();
    const before = fake.calls.length;

    await hearth.actions.removeModel('a.gguf');
    expect(fake.calls.slice(before).map((c) => c.name)).toEqual([
      'removeModel',
      'listModels',
      'listModelFiles',
    ]);
    expect(fake.calls[before]?.args).toEqual({ fileName: 'a.gguf' });
    const state = hearth.store.getState();
    expect(state.models?.installed.map((m) => m.fileName)).toEqual(['b.gguf']);
    expect(state.modelFiles?.map((m) => m.fileName)).toEqual(['b.gguf']);
    expect(state.problem).toBeNull();
  });

  it("a refusal is the store's problem, and nothing is reloaded", async () => {
    const { hearth, fake } = await connect({
      getSnapshot: () => snapshot([{ id: 'c', updatedAt: 1 }]),
      openConversation: () => conversation('c'),
      listModels: () => list(['a.gguf']),
      removeModel: () => {
        throw new HearthCallError(
          'busy',
          'a.gguf is the model Hearth is using; switch to another model before removing it.',
        );
      },
    });
    await hearth.actions.loadModels();
    const before = fake.calls.length;
    await hearth.actions.removeModel('a.gguf');
    await settle();
    expect(fake.calls.slice(before).map((c) => c.name)).toEqual(['removeModel']);
    expect(hearth.store.getState().problem).toBe(
      'a.gguf is the model Hearth is using; switch to another model before removing it.',
    );
    expect(hearth.store.getState().models?.installed).toHaveLength(1);
  });
});
