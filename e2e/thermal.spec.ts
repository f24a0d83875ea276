// The gauge and the "Cooling" alert follow the sensor: the test writes
// millidegrees to a zone file, as the Pi's sysfs would, and watches the page.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openAsOwner, test } from './fixtures';
import { ui } from './ui';

test('the gauge and the Cooling alert follow a zone file the test writes', async ({
  page,
  request,
  hearth,
}) => {
  const zone = join(hearth.scratch, 'temp');
  const setTemperature = (celsius: number): void =>
    writeFileSync(zone, `${Math.round(celsius * 1000)}\n`);
  setTemperature(55);
  const server = await hearth.start({
    HEARTH_THERMAL_ZONE: zone,
    HEARTH_THERMAL_POLL_MS: '200',
  });
  await openAsOwner(page, server);
  const { temperature, connection } = ui(page);
  const cooling = page.getByRole('alert').filter({ hasText: 'Cooling' });
  await expect(connection).toContainText('Connected');

  await expect(temperature).toHaveAttribute('aria-valuenow', '55');
  await expect(cooling).toHaveCount(0);

  setTemperature(86.5);
  await expect(temperature).toHaveAttribute('aria-valuenow', '86.5');
  await expect(cooling).toBeVisible();
  const hot = (await (await request.get(`${server.url}/healthz`)).json()) as {
    status: string;
    thermal: { protection: boolean; temperatureC: number };
  };
  expect(hot.thermal.protection).toBe(true);
  expect(hot.status).toBe('degraded');

  // Between the thresholds protection holds (Schmitt trigger), then ends below 80 °C.
  setTemperature(82);
  await expect(temperature).toHaveAttribute('aria-valuenow', '82');
  await expect(cooling).toBeVisible();
  setTemperature(79);
  await expect(temperature).toHaveAttribute('aria-valuenow', '79');
  await expect(cooling).toHaveCount(0);

  // A broken sensor: the gauge says unavailable, and the page keeps working.
  writeFileSync(zone, 'garbage\n');
  await expect(temperature).toHaveAttribute('aria-valuetext', 'unavailable');
  setTemperature(60);
  await expect(temperature).toHaveAttribute('aria-valuenow', '60');
});

test('while cooling a prompt waits with the reason, then answers by itself, marked slowed', async ({
  page,
  hearth,
}) => {
  const zone = join(hearth.scratch, 'temp');
  const setTemperature = (celsius: number): void =>
    writeFileSync(zone, `${Math.round(celsius * 1000)}\n`);
  setTemperature(86);
  const server = await hearth.start({ HEARTH_THERMAL_ZONE: zone, HEARTH_THERMAL_POLL_MS: '200' });
  await openAsOwner(page, server);
  const { message, send, answers, temperature } = ui(page);
  await expect(temperature).toHaveAttribute('aria-valuenow', '86');
  await expect(page.getByRole('alert').filter({ hasText: 'Cooling' })).toBeVisible();

  await message.fill('Tell me about the sea');
  await send.click();
  const answer = answers.last();
  await expect(answer).toContainText(/Waiting… Cooling down: the board is at 86/);
  // It stays held while the board is hot: nothing is generated.
  await page.waitForTimeout(1500);
  await expect(answer).toContainText('Waiting…');

  setTemperature(70);
  await expect(answer).toContainText('slowed by cooling', { timeout: 30_000 });
  await expect(answer).not.toContainText('Waiting…');
  await expect(answer).toContainText(/tok\/s/);
});
