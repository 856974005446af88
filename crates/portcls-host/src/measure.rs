//! Audio measurements: the frequency of the strongest partial by FFT (Hann window, radix-2,
//! refined by a golden-section search of the windowed DTFT) and cents; the FFT itself also draws
//! the CLI's spectrogram.

use std::f64::consts::PI;

/// In-place iterative radix-2 FFT of `re`/`im` (length a power of two).
pub fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut length = 2;
    while length <= n {
        let angle = -2.0 * PI / length as f64;
        for start in (0..n).step_by(length) {
            for k in 0..length / 2 {
                let (sin, cos) = (angle * k as f64).sin_cos();
                let (a, b) = (start + k, start + k + length / 2);
                let (tr, ti) = (re[b] * cos - im[b] * sin, re[b] * sin + im[b] * cos);
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        length <<= 1;
    }
}

/// Frequency (Hz) of the strongest partial of `signal` (sampled at `rate`), from the largest
/// power-of-two prefix: Hann window, FFT peak bin, then the maximum of the windowed DTFT within ±1 bin.
pub fn fft_peak_hz(signal: &[f32], rate: f64) -> f64 {
    let n = 1usize << (usize::BITS - 1 - signal.len().leading_zeros());
    assert!(n >= 1024, "too short for an FFT: {}", signal.len());
    let windowed: Vec<f64> = signal[..n]
        .iter()
        .enumerate()
        .map(|(i, &x)| f64::from(x) * (0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos()))
        .collect();
    let mut re = windowed.clone();
    let mut im = vec![0.0; n];
    fft(&mut re, &mut im);
    let magnitude: Vec<f64> = re
        .iter()
        .zip(&im)
        .map(|(r, i)| (r * r + i * i).sqrt().max(1e-300))
        .collect();
    let peak = (1..n / 2 - 1)
        .max_by(|&a, &b| magnitude[a].total_cmp(&magnitude[b]))
        .unwrap();
    // Refine inside ±1 bin by maximising the windowed spectrum's magnitude (golden-section
    // search on the DTFT, evaluated directly): no interpolation bias.
    let dtft = |bin: f64| -> f64 {
        let step = -2.0 * PI * bin / n as f64;
        let (mut re, mut im) = (0.0, 0.0);
        for (i, &x) in windowed.iter().enumerate() {
            let (sin, cos) = (step * i as f64).sin_cos();
            re += x * cos;
            im += x * sin;
        }
        re * re + im * im
    };
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut low, mut high) = (peak as f64 - 1.0, peak as f64 + 1.0);
    while high - low > 1e-6 {
        let a = high - ratio * (high - low);
        let b = low + ratio * (high - low);
        if dtft(a) < dtft(b) {
            low = a;
        } else {
            high = b;
        }
    }
    (low + high) / 2.0 * rate / n as f64
}

/// Cents from `expected` to `measured`.
pub fn cents(measured: f64, expected: f64) -> f64 {
    1200.0 * (measured / expected).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft_finds_a_sine_in_its_bin() {
        let n = 64;
        let mut re: Vec<f64> = (0..n)
            .map(|i| (2.0 * PI * 5.0 * i as f64 / n as f64).sin())
            .collect();
        let mut im = vec![0.0; n];
        fft(&mut re, &mut im);
        let magnitudes: Vec<f64> = re.iter().zip(&im).map(|(r, i)| (r * r + i * i).sqrt()).collect();
        let peak = magnitudes[..n / 2]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert_eq!(peak, 5);
        assert!((magnitudes[5] - n as f64 / 2.0).abs() < 1e-3);
    }

    #[test]
    fn finds_a_sine_within_a_hundredth_of_a_cent() {
        for hz in [261.63, 480.0, 1234.5] {
            let signal: Vec<f32> = (0..40_000)
                .map(|i| (2.0 * PI * hz * i as f64 / 48_000.0).sin() as f32 * 0.3)
                .collect();
            let found = fft_peak_hz(&signal, 48_000.0);
            assert!(cents(found, hz).abs() < 0.01, "{hz}: {found}");
        }
        // Off by 1 cent is seen.
        let hz = 480.0 * 2f64.powf(1.0 / 1200.0);
        let signal: Vec<f32> = (0..40_000)
            .map(|i| (2.0 * PI * hz * i as f64 / 48_000.0).sin() as f32)
            .collect();
        assert!((cents(fft_peak_hz(&signal, 48_000.0), 480.0) - 1.0).abs() < 0.01);
    }
}
