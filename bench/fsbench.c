/* Peer measurement: FluidSynth rendering a MIDI file as fast as it can, single core.
 *
 * Build and run (bench/compare_dense.sh does both):
 *   cc -O2 bench/fsbench.c $(pkg-config --cflags --libs fluidsynth) -o fsbench
 *   ./fsbench BANK.sf2 SONG.mid [--fx] [--interp 1|4|7]
 *
 * Prints one line of key=value pairs: audio seconds, CPU seconds of the render loop only (bank
 * loading excluded), average active voices (sampled each 64-frame block), ns per voice-sample and
 * times real time. FluidSynth is run with cpu-cores=1 at 48 kHz, like our engine.
 */
#include <fluidsynth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s BANK.sf2 SONG.mid [--fx] [--interp N]\n", argv[0]);
        return 2;
    }
    int fx = 0, interp = FLUID_INTERP_4THORDER;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--fx")) fx = 1;
        else if (!strcmp(argv[i], "--interp") && i + 1 < argc) interp = atoi(argv[++i]);
    }
    fluid_set_log_function(FLUID_WARN, NULL, NULL);
    fluid_set_log_function(FLUID_INFO, NULL, NULL);
    fluid_settings_t *settings = new_fluid_settings();
    fluid_settings_setnum(settings, "synth.sample-rate", 48000.0);
    fluid_settings_setint(settings, "synth.cpu-cores", 1);
    fluid_settings_setint(settings, "synth.polyphony", 1024);
    fluid_settings_setint(settings, "synth.reverb.active", fx);
    fluid_settings_setint(settings, "synth.chorus.active", fx);
    fluid_settings_setstr(settings, "player.timing-source", "sample");
    fluid_settings_setint(settings, "synth.lock-memory", 0);
    fluid_synth_t *synth = new_fluid_synth(settings);
    if (fluid_synth_sfload(synth, argv[1], 1) == FLUID_FAILED) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    fluid_synth_set_interp_method(synth, -1, interp);
    fluid_player_t *player = new_fluid_player(synth);
    if (fluid_player_add(player, argv[2]) != FLUID_OK) {
        fprintf(stderr, "cannot load %s\n", argv[2]);
        return 1;
    }
    fluid_player_play(player);
    enum { BLOCK = 64 };
    float left[BLOCK], right[BLOCK];
    double voice_blocks = 0.0;
    long long frames = 0;
    int peak = 0;
    double t0 = cpu_seconds();
    while (fluid_player_get_status(player) == FLUID_PLAYER_PLAYING) {
        fluid_synth_write_float(synth, BLOCK, left, 0, 1, right, 0, 1);
        int v = fluid_synth_get_active_voice_count(synth);
        if (v > peak) peak = v;
        voice_blocks += v;
        frames += BLOCK;
    }
    double cpu = cpu_seconds() - t0;
    double audio = frames / 48000.0;
    double avg = voice_blocks / (frames / BLOCK);
    double voice_samples = voice_blocks * BLOCK;
    printf("engine=fluidsynth-%s interp=%d fx=%d audio_s=%.3f cpu_s=%.3f avg_voices=%.1f peak_voices=%d "
           "ns_per_voice_sample=%.2f x_realtime=%.1f\n",
           fluid_version_str(), interp, fx, audio, cpu, avg, peak,
           voice_samples > 0 ? cpu * 1e9 / voice_samples : 0.0, audio / cpu);
    delete_fluid_player(player);
    delete_fluid_synth(synth);
    delete_fluid_settings(settings);
    return 0;
}
