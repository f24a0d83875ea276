import { useEffect, useRef, useState } from 'react';
import Keyboard from 'react-simple-keyboard';
import 'react-simple-keyboard/build/css/index.css';

const layout = {
  default: [
    'q w e r t y u i o p {bksp}',
    "a s d f g h j k l ' {enter}",
    '{shift} z x c v b n m , . ?',
    '{numbers} {space} - !',
  ],
  shift: [
    'Q W E R T Y U I O P {bksp}',
    'A S D F G H J K L " {enter}',
    '{shift} Z X C V B N M ; : ?',
    '{numbers} {space} _ !',
  ],
  numbers: [
    '1 2 3 4 5 6 7 8 9 0 {bksp}',
    '@ # € % & * ( ) / {enter}',
    '+ = < > [ ] { } , . ?',
    '{abc} {space} - !',
  ],
};

const display = {
  '{bksp}': '⌫',
  '{enter}': '⏎',
  '{shift}': '⇧',
  '{space}': 'space',
  '{numbers}': '?123',
  '{abc}': 'ABC',
};

type LayoutName = keyof typeof layout;

interface KeyboardInstance {
  setInput(input: string): void;
  getInput(): string;
}

export interface OnScreenKeyboardProps {
  value: string;
  onChange(value: string): void;
  onEnter(): void;
}

/** The kiosk's keyboard (react-simple-keyboard); it writes into the Message box. */
export function OnScreenKeyboard({ value, onChange, onEnter }: OnScreenKeyboardProps) {
  const keyboard = useRef<KeyboardInstance | null>(null);
  const [layoutName, setLayoutName] = useState<LayoutName>('default');

  // Typing on a physical keyboard (or clearing after Send) must reach the keyboard's own copy.
  useEffect(() => {
    if (keyboard.current && keyboard.current.getInput() !== value) keyboard.current.setInput(value);
  }, [value]);

  const onKeyPress = (button: string) => {
    if (button === '{enter}') onEnter();
    else if (button === '{shift}') setLayoutName((l) => (l === 'shift' ? 'default' : 'shift'));
    else if (button === '{numbers}') setLayoutName('numbers');
    else if (button === '{abc}') setLayoutName('default');
    else if (layoutName === 'shift' && !button.startsWith('{')) setLayoutName('default'); // one-shot shift
  };

  return (
    <div className="osk" role="group" aria-label="On-screen keyboard">
      <Keyboard
        keyboardRef={(instance: KeyboardInstance) => {
          keyboard.current = instance;
          instance.setInput(value);
        }}
        layout={layout}
        layoutName={layoutName}
        display={display}
        theme="hg-theme-default hearth-keyboard"
        preventMouseDownDefault
        onChange={onChange}
        onKeyPress={onKeyPress}
      />
    </div>
  );
}
