// Cross-check helper for crates/dls/tests/spessasynth_interop.rs (spessasynth_core, Apache-2.0).
//
//   node interop.mjs dump BANK            prints the bank as spessasynth sees it (format below)
//   node interop.mjs to-dls IN OUT.dls    loads IN (.sf2/.dls), writes it with writeDLS()
//
// Output format, one record per line (parsed by the Rust test; no JSON dependency there):
//   preset <bankMSB> <bankLSB> <program> <drum 0|1> <name>
//   zone <keyLo> <keyHi> <velLo> <velHi> <sampleIndex> <sampleFrames> <loopMode 0|1|3> <loopStart> <loopEnd> <rootKey>
// Presets are sorted by (drum, bankMSB, bankLSB, program); zones keep their order. Loop points
// are the effective ones (sample loop + loop address offsets); 0 0 when the zone does not loop.
import { readFileSync, writeFileSync } from "node:fs";
import { SoundBankLoader, SpessaLog } from "spessasynth_core";

// Info and group logs go to stdout; keep only warnings (stderr).
SpessaLog.setLogLevel(false, true, false);

function load(path) {
    const bytes = readFileSync(path);
    return SoundBankLoader.fromArrayBuffer(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    );
}

const range = (r) => (r.min < 0 ? [0, 127] : [r.min, r.max]);

function dump(bank) {
    const lines = [];
    const presets = [...bank.presets].sort(
        (a, b) =>
            Number(a.isGMGSDrum) - Number(b.isGMGSDrum) ||
            a.bankMSB - b.bankMSB ||
            a.bankLSB - b.bankLSB ||
            a.program - b.program
    );
    for (const preset of presets) {
        lines.push(
            `preset ${preset.bankMSB} ${preset.bankLSB} ${preset.program} ${preset.isGMGSDrum ? 1 : 0} ${preset.name}`
        );
        for (const presetZone of preset.zones) {
            const instrument = presetZone.instrument;
            const [pkLo, pkHi] = range(presetZone.keyRange);
            const [pvLo, pvHi] = range(presetZone.velRange);
            for (const zone of instrument.zones) {
                const gen = (type, fallback) =>
                    zone.getGenerator(type, instrument.globalZone.getGenerator(type, fallback));
                const [kLo, kHi] = range(zone.keyRange);
                const [vLo, vHi] = range(zone.velRange);
                const keyLo = Math.max(kLo, pkLo);
                const keyHi = Math.min(kHi, pkHi);
                const velLo = Math.max(vLo, pvLo);
                const velHi = Math.min(vHi, pvHi);
                if (keyLo > keyHi || velLo > velHi) continue;
                const sample = zone.sample;
                const mode = gen(54, 0);
                let loopStart = 0;
                let loopEnd = 0;
                if (mode === 1 || mode === 3) {
                    loopStart = sample.loopStart + gen(2, 0) + 32768 * gen(45, 0);
                    loopEnd = sample.loopEnd + gen(3, 0) + 32768 * gen(50, 0);
                }
                const root = gen(58, -1);
                const frames = sample.getAudioData().length;
                lines.push(
                    `zone ${keyLo} ${keyHi} ${velLo} ${velHi} ${bank.samples.indexOf(sample)} ${frames} ${mode === 2 ? 0 : mode} ${loopStart} ${loopEnd} ${root >= 0 ? root : sample.originalKey}`
                );
            }
        }
    }
    return lines.join("\n") + "\n";
}

const [command, input, output] = process.argv.slice(2);
if (command === "dump") {
    process.stdout.write(dump(load(input)));
} else if (command === "to-dls") {
    const dls = load(input).writeDLS();
    writeFileSync(output, Buffer.from(dls));
} else {
    process.stderr.write("usage: node interop.mjs dump BANK | to-dls IN OUT.dls\n");
    process.exit(2);
}
