//! Every property of the synth node, served through one static handler with KS semantics:
//!
//! * `BASICSUPPORT`: a `ULONG` of the item's access flags (`KSPROPERTY_TYPE_GET | SET |
//!   BASICSUPPORT`, as in the table below).
//! * A verb the item does not have: `STATUS_INVALID_DEVICE_REQUEST`.
//! * Value size 0 on GET or SET: a size query, `STATUS_BUFFER_OVERFLOW` with `ValueSize` = the
//!   size the property needs.
//! * Value buffer too small: `STATUS_BUFFER_TOO_SMALL` (`ValueSize` = 0). Missing or short instance
//!   data: `STATUS_INVALID_PARAMETER`.
//! * Success: `ValueSize` = bytes written (GET) or consumed (SET).
//!
//! The target is `MinorTarget` (the pin object) when there is one, else `MajorTarget` (the
//! miniport, which then uses its first synth instance), else only the stream-independent
//! properties answer. Handlers run at PASSIVE_LEVEL.

use crate::com::{MAGIC_MINIPORT, MAGIC_STREAM, ObjectHeader};
use crate::error::{MiniportError, Result};
use crate::platform::{CallerBuffer, CaptureError, Platform};
use crate::stream::{Core, MAX_CHANNEL_GROUPS, MAX_VOICES, SampleKind, SynthParams, WaveFormat};
use core::mem::size_of;
use portcls_sys::{
    GUID, GUID_DMUS_PROP_DLS1, GUID_DMUS_PROP_DLS2, GUID_DMUS_PROP_Effects, GUID_DMUS_PROP_GM_Hardware,
    GUID_DMUS_PROP_GS_Capable, GUID_DMUS_PROP_GS_Hardware, GUID_DMUS_PROP_INSTRUMENT2,
    GUID_DMUS_PROP_SampleMemorySize, GUID_DMUS_PROP_SamplePlaybackRate, GUID_DMUS_PROP_WavesReverb,
    GUID_DMUS_PROP_XG_Capable, GUID_DMUS_PROP_XG_Hardware, KSPROPERTY_SYNTH_CAPS,
    KSPROPERTY_SYNTH_CHANNELGROUPS, KSPROPERTY_SYNTH_DLS_APPEND, KSPROPERTY_SYNTH_DLS_COMPACT,
    KSPROPERTY_SYNTH_DLS_DOWNLOAD, KSPROPERTY_SYNTH_DLS_UNLOAD, KSPROPERTY_SYNTH_DLS_WAVEFORMAT,
    KSPROPERTY_SYNTH_LATENCYCLOCK, KSPROPERTY_SYNTH_MASTERCLOCK, KSPROPERTY_SYNTH_PORTPARAMETERS,
    KSPROPERTY_SYNTH_RUNNINGSTATS, KSPROPERTY_SYNTH_VOICEPRIORITY, KSPROPERTY_SYNTH_VOLUME,
    KSPROPERTY_SYNTH_VOLUMEBOOST, KSPROPERTY_TYPE_BASICSUPPORT, KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET,
    KSPROPERTY_TYPE_TOPOLOGY, KSPROPSETID_Synth, KSPROPSETID_Synth_Dls, KSPROPSETID_SynthClock, NTSTATUS,
    PCPROPERTY_ITEM, PCPROPERTY_REQUEST, PPCPROPERTY_REQUEST, STATUS_NOT_ALL_ASSIGNED, STATUS_SUCCESS,
    SYNTH_BUFFER, SYNTH_BUFFER32, SYNTH_EFFECT_CHORUS, SYNTH_EFFECT_REVERB, SYNTH_PC_DLS, SYNTH_PC_DLS2,
    SYNTH_PC_REVERB, SYNTH_PC_SOFTWARESYNTH, SYNTH_PC_SYSTEMMEMORY, SYNTH_PORTPARAMS,
    SYNTH_PORTPARAMS_AUDIOCHANNELS, SYNTH_PORTPARAMS_CHANNELGROUPS, SYNTH_PORTPARAMS_EFFECTS,
    SYNTH_PORTPARAMS_SAMPLERATE, SYNTH_PORTPARAMS_SHARE, SYNTH_PORTPARAMS_VOICES, SYNTH_REVERB_PARAMS,
    SYNTH_STATS, SYNTH_STATS_LOST_NOTES, SYNTH_STATS_PEAK_VOLUME, SYNTH_STATS_VOICES, SYNTHCAPS,
    SYNTHDOWNLOAD, SYNTHDOWNLOAD32, SYNTHVOICEPRIORITY_INSTANCE,
};
use synth::Interpolation;

/// dmksynth's private property set {6D4B8F3A-2C71-4E0B-9A35-1F7E2D8C5B40}.
pub const KSPROPSETID_DMKSYNTH: GUID = GUID::from_u128(0x6D4B_8F3A_2C71_4E0B_9A35_1F7E_2D8C_5B40);
/// `ULONG`: 0 linear, 1 cubic, 2 windowed sinc (GET/SET).
pub const KSPROPERTY_DMKSYNTH_INTERPOLATION: u32 = 0;
/// The synth's class id in `SYNTHCAPS.Guid` {A7C1D0E2-5B3F-4C8A-9E61-0D2F4B7A8C93}.
pub const CLSID_DMKSYNTH: GUID = GUID::from_u128(0xA7C1_D0E2_5B3F_4C8A_9E61_0D2F_4B7A_8C93);
/// `KSPROPERTY_SYNTH_DLS_APPEND`: bytes reserved after each wave download. This synth copies
/// every download and never writes into the client's buffer, so any value is safe for it; 4
/// covers one guard sample of stereo 16-bit data under either reading of the unit
/// (docs/port-contract.md).
pub const APPEND_BYTES: u32 = 4;
/// What `SYNTHCAPS.Description` says.
pub const DESCRIPTION: &str = "dmksynth DLS2 software synthesizer";

const G: u32 = KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_BASICSUPPORT;
const S: u32 = KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_BASICSUPPORT;
const GS: u32 = KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_BASICSUPPORT;

static SET_SYNTH: GUID = KSPROPSETID_Synth;
static SET_DLS: GUID = KSPROPSETID_Synth_Dls;
static SET_CLOCK: GUID = KSPROPSETID_SynthClock;
static SET_GM_HARDWARE: GUID = GUID_DMUS_PROP_GM_Hardware;
static SET_GS_HARDWARE: GUID = GUID_DMUS_PROP_GS_Hardware;
static SET_XG_HARDWARE: GUID = GUID_DMUS_PROP_XG_Hardware;
static SET_XG_CAPABLE: GUID = GUID_DMUS_PROP_XG_Capable;
static SET_GS_CAPABLE: GUID = GUID_DMUS_PROP_GS_Capable;
static SET_DLS1: GUID = GUID_DMUS_PROP_DLS1;
static SET_DLS2: GUID = GUID_DMUS_PROP_DLS2;
static SET_INSTRUMENT2: GUID = GUID_DMUS_PROP_INSTRUMENT2;
static SET_EFFECTS: GUID = GUID_DMUS_PROP_Effects;
static SET_WAVES_REVERB: GUID = GUID_DMUS_PROP_WavesReverb;
static SET_PLAYBACK_RATE: GUID = GUID_DMUS_PROP_SamplePlaybackRate;
static SET_MEMORY_SIZE: GUID = GUID_DMUS_PROP_SampleMemorySize;
static SET_PRIVATE: GUID = KSPROPSETID_DMKSYNTH;

const fn item(set: &'static GUID, id: u32, flags: u32) -> PCPROPERTY_ITEM {
    PCPROPERTY_ITEM {
        Set: set,
        Id: id,
        Flags: flags,
        Handler: Some(property_handler),
    }
}

/// Number of items in [`PROPERTY_ITEMS`].
pub const PROPERTY_ITEM_COUNT: usize = 27;

/// The synth node's property items (all served by [`property_handler`]).
pub static PROPERTY_ITEMS: [PCPROPERTY_ITEM; PROPERTY_ITEM_COUNT] = [
    // KSPROPSETID_Synth (also GUID_DMUS_PROP_Volume: the same GUID, id 0 = VOLUME).
    item(&SET_SYNTH, KSPROPERTY_SYNTH_VOLUME, GS),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_VOLUMEBOOST, GS),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_CAPS, G),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_PORTPARAMETERS, G),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_CHANNELGROUPS, GS),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_VOICEPRIORITY, GS),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_LATENCYCLOCK, G),
    item(&SET_SYNTH, KSPROPERTY_SYNTH_RUNNINGSTATS, G),
    // KSPROPSETID_Synth_Dls.
    item(&SET_DLS, KSPROPERTY_SYNTH_DLS_DOWNLOAD, G),
    item(&SET_DLS, KSPROPERTY_SYNTH_DLS_UNLOAD, S),
    item(&SET_DLS, KSPROPERTY_SYNTH_DLS_COMPACT, S),
    item(&SET_DLS, KSPROPERTY_SYNTH_DLS_APPEND, G),
    item(&SET_DLS, KSPROPERTY_SYNTH_DLS_WAVEFORMAT, G),
    // KSPROPSETID_SynthClock.
    item(&SET_CLOCK, KSPROPERTY_SYNTH_MASTERCLOCK, G),
    // GUID_DMUS_PROP_* (id 0).
    item(&SET_GM_HARDWARE, 0, G),
    item(&SET_GS_HARDWARE, 0, G),
    item(&SET_XG_HARDWARE, 0, G),
    item(&SET_XG_CAPABLE, 0, G),
    item(&SET_GS_CAPABLE, 0, G),
    item(&SET_DLS1, 0, G),
    item(&SET_DLS2, 0, G),
    item(&SET_INSTRUMENT2, 0, G),
    item(&SET_EFFECTS, 0, GS),
    item(&SET_WAVES_REVERB, 0, GS),
    item(&SET_PLAYBACK_RATE, 0, G),
    item(&SET_MEMORY_SIZE, 0, G),
    // Private.
    item(&SET_PRIVATE, KSPROPERTY_DMKSYNTH_INTERPOLATION, GS),
];

/// One property request being served.
pub struct PropertyCall<'a> {
    request: &'a mut PCPROPERTY_REQUEST,
    /// The property set.
    pub set: GUID,
    /// The property id.
    pub id: u32,
    /// `KSPROPERTY_TYPE_GET` or `KSPROPERTY_TYPE_SET` (BASICSUPPORT never reaches the servers).
    pub verb: u32,
}

impl PropertyCall<'_> {
    /// Whether this is a GET.
    pub fn is_get(&self) -> bool {
        self.verb == KSPROPERTY_TYPE_GET
    }

    /// The instance data as a `T` (a `STATUS_INVALID_PARAMETER` when absent or short).
    pub fn instance<T: Copy>(&self) -> Result<T> {
        if self.request.Instance.is_null() || (self.request.InstanceSize as usize) < size_of::<T>() {
            return Err(MiniportError::InvalidParameter);
        }
        // SAFETY: the port passes `InstanceSize` readable bytes at `Instance`; `T` is plain data
        // read unaligned.
        Ok(unsafe { self.request.Instance.cast::<T>().read_unaligned() })
    }

    /// Bytes of instance data.
    pub fn instance_size(&self) -> usize {
        if self.request.Instance.is_null() {
            0
        } else {
            self.request.InstanceSize as usize
        }
    }

    /// Checks that the value buffer can take `size` bytes (size query / too small).
    pub fn need(&mut self, size: usize) -> Result<()> {
        if self.request.ValueSize == 0 && size != 0 {
            self.request.ValueSize = size as u32;
            return Err(MiniportError::SizeQuery);
        }
        if (self.request.ValueSize as usize) < size || (size != 0 && self.request.Value.is_null()) {
            return Err(MiniportError::BufferTooSmall);
        }
        Ok(())
    }

    /// GET: writes `value` (after the size checks).
    pub fn reply<T: Copy>(&mut self, value: T) -> Result<()> {
        self.need(size_of::<T>())?;
        // SAFETY: `need` checked that `Value` holds `size_of::<T>()` writable bytes.
        unsafe { self.request.Value.cast::<T>().write_unaligned(value) };
        self.request.ValueSize = size_of::<T>() as u32;
        Ok(())
    }

    /// SET: reads the value as a `T` (after the size checks).
    pub fn value<T: Copy>(&mut self) -> Result<T> {
        self.need(size_of::<T>())?;
        // SAFETY: `need` checked that `Value` holds `size_of::<T>()` readable bytes.
        let value = unsafe { self.request.Value.cast::<T>().read_unaligned() };
        self.request.ValueSize = size_of::<T>() as u32;
        Ok(value)
    }

    /// The value size the caller gave.
    pub fn value_size(&self) -> usize {
        self.request.ValueSize as usize
    }
}

/// The one `PCPFNPROPERTY_HANDLER` of every item.
///
/// # Safety
/// `request` is null or a valid `PCPROPERTY_REQUEST` whose `PropertyItem` is one of
/// [`PROPERTY_ITEMS`], `Instance`/`Value` valid for their sizes, and `MajorTarget`/`MinorTarget`
/// null or objects of this crate (PortCls passes the miniport and the stream it created).
/// PASSIVE_LEVEL.
pub unsafe extern "system" fn property_handler(request: PPCPROPERTY_REQUEST) -> NTSTATUS {
    if request.is_null() {
        return MiniportError::InvalidParameter.ntstatus();
    }
    // SAFETY: valid request by contract, exclusively ours for the call.
    let request = unsafe { &mut *request };
    if request.PropertyItem.is_null() {
        return MiniportError::InvalidParameter.ntstatus();
    }
    // SAFETY: one of our static items (or at least a readable item) by contract.
    let item = unsafe { request.PropertyItem.read() };
    if item.Set.is_null() {
        return MiniportError::InvalidParameter.ntstatus();
    }
    // SAFETY: readable GUID.
    let set = unsafe { item.Set.read_unaligned() };
    let verb = request.Verb & !KSPROPERTY_TYPE_TOPOLOGY;
    let access = item.Flags & (KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_BASICSUPPORT);
    if verb == KSPROPERTY_TYPE_BASICSUPPORT && access & KSPROPERTY_TYPE_BASICSUPPORT != 0 {
        let mut call = PropertyCall {
            request,
            set,
            id: item.Id,
            verb,
        };
        return match call.reply(access) {
            Ok(()) => STATUS_SUCCESS,
            Err(error) => fail(&mut call, error),
        };
    }
    if (verb != KSPROPERTY_TYPE_GET && verb != KSPROPERTY_TYPE_SET) || access & verb == 0 {
        request.ValueSize = 0;
        return MiniportError::InvalidDeviceRequest.ntstatus();
    }
    let target = if request.MinorTarget.is_null() {
        request.MajorTarget
    } else {
        request.MinorTarget
    };
    let mut call = PropertyCall {
        request,
        set,
        id: item.Id,
        verb,
    };
    if target.is_null() {
        return serve_static(&mut call);
    }
    let header = target.cast::<ObjectHeader>().cast_const();
    // SAFETY: PortCls passes our own objects; every object of this crate starts with a header.
    let header_ref = unsafe { &*header };
    let (magic, entry) = (header_ref.magic, header_ref.property);
    if magic != MAGIC_MINIPORT && magic != MAGIC_STREAM {
        return serve_static(&mut call);
    }
    // SAFETY: the header belongs to a live object of the kind its magic says.
    unsafe { entry(header, &mut call) }
}

/// Turns a result into the status, fixing up `ValueSize` on failure.
fn finish(call: &mut PropertyCall<'_>, result: Result<NTSTATUS>) -> NTSTATUS {
    match result {
        Ok(status) => status,
        Err(error) => fail(call, error),
    }
}

fn fail(call: &mut PropertyCall<'_>, error: MiniportError) -> NTSTATUS {
    if error != MiniportError::SizeQuery {
        call.request.ValueSize = 0;
    }
    error.ntstatus()
}

fn serve_static(call: &mut PropertyCall<'_>) -> NTSTATUS {
    let result = static_property(call).unwrap_or(Err(MiniportError::InvalidDeviceRequest));
    finish(call, result)
}

/// Serves a request for `core` (or without a synth instance).
pub(crate) fn serve<P: Platform>(core: Option<&Core<P>>, call: &mut PropertyCall<'_>) -> NTSTATUS {
    let result = match static_property(call) {
        Some(result) => result,
        None => match core {
            Some(core) => stream_property(core, call),
            None => Err(MiniportError::InvalidDeviceRequest),
        },
    };
    finish(call, result)
}

fn bool_value(value: bool) -> u32 {
    u32::from(value)
}

/// Properties that need no synth instance; `None` for the others.
fn static_property(call: &mut PropertyCall<'_>) -> Option<Result<NTSTATUS>> {
    let set = call.set;
    let answer = |call: &mut PropertyCall<'_>, value: u32| Some(call.reply(value).map(|()| STATUS_SUCCESS));
    if set == KSPROPSETID_Synth && call.id == KSPROPERTY_SYNTH_CAPS {
        return Some(call.reply(caps()).map(|()| STATUS_SUCCESS));
    }
    if set == KSPROPSETID_Synth_Dls && call.id == KSPROPERTY_SYNTH_DLS_APPEND {
        return answer(call, APPEND_BYTES);
    }
    if set == KSPROPSETID_Synth_Dls && call.id == KSPROPERTY_SYNTH_DLS_COMPACT {
        // Nothing to compact: downloads are individual allocations.
        return Some(Ok(STATUS_SUCCESS));
    }
    if set == GUID_DMUS_PROP_GM_Hardware
        || set == GUID_DMUS_PROP_GS_Hardware
        || set == GUID_DMUS_PROP_XG_Hardware
    {
        // No instruments in ROM: the GM set must be downloaded.
        return answer(call, bool_value(false));
    }
    if set == GUID_DMUS_PROP_XG_Capable
        || set == GUID_DMUS_PROP_GS_Capable
        || set == GUID_DMUS_PROP_DLS1
        || set == GUID_DMUS_PROP_DLS2
        || set == GUID_DMUS_PROP_INSTRUMENT2
    {
        return answer(call, bool_value(true));
    }
    if set == GUID_DMUS_PROP_SampleMemorySize {
        return answer(call, SYNTH_PC_SYSTEMMEMORY);
    }
    None
}

/// `SYNTHCAPS`.
pub fn caps() -> SYNTHCAPS {
    let mut description = [0u16; 128];
    for (slot, unit) in description.iter_mut().zip(DESCRIPTION.encode_utf16()) {
        *slot = unit;
    }
    SYNTHCAPS {
        Guid: CLSID_DMKSYNTH,
        Flags: SYNTH_PC_DLS | SYNTH_PC_DLS2 | SYNTH_PC_SOFTWARESYNTH | SYNTH_PC_REVERB,
        MemorySize: SYNTH_PC_SYSTEMMEMORY,
        MaxChannelGroups: MAX_CHANNEL_GROUPS,
        MaxVoices: MAX_VOICES,
        MaxAudioChannels: 2,
        EffectFlags: SYNTH_EFFECT_REVERB | SYNTH_EFFECT_CHORUS,
        Description: description,
    }
}

fn effects_flags(params: &SynthParams) -> u32 {
    (if params.reverb { SYNTH_EFFECT_REVERB } else { 0 })
        | (if params.chorus { SYNTH_EFFECT_CHORUS } else { 0 })
}

/// Peak level (0..=1) in dB, rounded toward −∞, floor −96.
fn peak_db(level: f32) -> i32 {
    let step = 0.891_250_9_f32; // 10^(-1/20)
    let mut threshold = 1.0f32;
    let mut db = 0i32;
    while level < threshold && db > -96 {
        threshold *= step;
        db = db.saturating_sub(1);
    }
    db
}

fn stream_property<P: Platform>(core: &Core<P>, call: &mut PropertyCall<'_>) -> Result<NTSTATUS> {
    let set = call.set;
    let ok = |result: Result<()>| result.map(|()| STATUS_SUCCESS);
    if set == KSPROPSETID_Synth {
        return match call.id {
            KSPROPERTY_SYNTH_VOLUME | KSPROPERTY_SYNTH_VOLUMEBOOST => {
                let mut params = core.params();
                let field = if call.id == KSPROPERTY_SYNTH_VOLUME {
                    &mut params.volume
                } else {
                    &mut params.boost
                };
                if call.is_get() {
                    let value = *field;
                    ok(call.reply(value))
                } else {
                    *field = call.value::<i32>()?.clamp(-20_000, 2_000);
                    core.set_params(params)?;
                    Ok(STATUS_SUCCESS)
                }
            }
            KSPROPERTY_SYNTH_PORTPARAMETERS => port_parameters(core, call),
            KSPROPERTY_SYNTH_CHANNELGROUPS => {
                let mut params = core.params();
                if call.is_get() {
                    ok(call.reply(params.channel_groups))
                } else {
                    let groups = call.value::<u32>()?;
                    if groups == 0 || groups > MAX_CHANNEL_GROUPS {
                        return Err(MiniportError::InvalidParameter);
                    }
                    params.channel_groups = groups;
                    core.set_params(params)?;
                    Ok(STATUS_SUCCESS)
                }
            }
            KSPROPERTY_SYNTH_VOICEPRIORITY => {
                let instance = call.instance::<SYNTHVOICEPRIORITY_INSTANCE>()?;
                if call.is_get() {
                    call.need(size_of::<u32>())?;
                    let priority = core
                        .with_engine(|engine| {
                            engine.channel_priority(instance.ChannelGroup, instance.Channel)
                        })
                        .flatten()
                        .ok_or(MiniportError::InvalidParameter)?;
                    ok(call.reply(priority))
                } else {
                    let priority = call.value::<u32>()?;
                    let done = core
                        .with_engine(|engine| {
                            engine.set_channel_priority(instance.ChannelGroup, instance.Channel, priority)
                        })
                        .unwrap_or(false);
                    if done {
                        Ok(STATUS_SUCCESS)
                    } else {
                        Err(MiniportError::InvalidParameter)
                    }
                }
            }
            KSPROPERTY_SYNTH_LATENCYCLOCK => {
                call.need(size_of::<u64>())?;
                ok(call.reply(core.latency_clock() as u64))
            }
            KSPROPERTY_SYNTH_RUNNINGSTATS => {
                call.need(size_of::<SYNTH_STATS>())?;
                let stats = core.with_engine(|engine| engine.take_stats()).unwrap_or_default();
                let counters = core.counters();
                let lost = stats
                    .lost_notes
                    .saturating_add(stats.dropped_events)
                    .saturating_add(counters.ring_full);
                ok(call.reply(SYNTH_STATS {
                    ValidStats: SYNTH_STATS_VOICES | SYNTH_STATS_LOST_NOTES | SYNTH_STATS_PEAK_VOLUME,
                    Voices: stats.peak_voices,
                    TotalCPU: 0,
                    CPUPerVoice: 0,
                    LostNotes: lost,
                    FreeMemory: 0,
                    PeakVolume: peak_db(stats.peak_level),
                }))
            }
            _ => Err(MiniportError::InvalidDeviceRequest),
        };
    }
    if set == KSPROPSETID_Synth_Dls {
        return match call.id {
            KSPROPERTY_SYNTH_DLS_DOWNLOAD => download(core, call),
            KSPROPERTY_SYNTH_DLS_UNLOAD => unload(core, call),
            KSPROPERTY_SYNTH_DLS_WAVEFORMAT => {
                let format = core.format().unwrap_or(WaveFormat {
                    rate: 48_000,
                    channels: 2,
                    kind: SampleKind::Pcm16,
                });
                ok(call.reply(format.to_waveformatex()))
            }
            _ => Err(MiniportError::InvalidDeviceRequest),
        };
    }
    if set == KSPROPSETID_SynthClock {
        call.need(size_of::<u64>())?;
        return ok(call.reply(core.master_time() as u64));
    }
    if set == GUID_DMUS_PROP_Effects {
        let mut params = core.params();
        if call.is_get() {
            return ok(call.reply(effects_flags(&params)));
        }
        let flags = call.value::<u32>()?;
        params.reverb = flags & SYNTH_EFFECT_REVERB != 0;
        params.chorus = flags & SYNTH_EFFECT_CHORUS != 0;
        core.set_params(params)?;
        return Ok(STATUS_SUCCESS);
    }
    if set == GUID_DMUS_PROP_WavesReverb {
        if call.is_get() {
            return ok(call.reply(core.reverb_params()));
        }
        let value = call.value::<SYNTH_REVERB_PARAMS>()?;
        let finite = [
            value.fInGain,
            value.fReverbMix,
            value.fReverbTime,
            value.fHighFreqRTRatio,
        ]
        .iter()
        .all(|v| v.is_finite());
        if !finite {
            return Err(MiniportError::InvalidParameter);
        }
        core.set_reverb_params(value);
        return Ok(STATUS_SUCCESS);
    }
    if set == GUID_DMUS_PROP_SamplePlaybackRate {
        let rate = core.format().map_or(48_000, |format| format.rate);
        return ok(call.reply(rate));
    }
    if set == KSPROPSETID_DMKSYNTH && call.id == KSPROPERTY_DMKSYNTH_INTERPOLATION {
        let mut params = core.params();
        if call.is_get() {
            let value: u32 = match params.interpolation {
                Interpolation::Linear => 0,
                Interpolation::Cubic => 1,
                Interpolation::Sinc => 2,
            };
            return ok(call.reply(value));
        }
        params.interpolation = match call.value::<u32>()? {
            0 => Interpolation::Linear,
            1 => Interpolation::Cubic,
            2 => Interpolation::Sinc,
            _ => return Err(MiniportError::InvalidParameter),
        };
        core.set_params(params)?;
        return Ok(STATUS_SUCCESS);
    }
    Err(MiniportError::InvalidDeviceRequest)
}

/// `KSPROPERTY_SYNTH_PORTPARAMETERS` (GET; instance = the requested `SYNTH_PORTPARAMS`, or the
/// value buffer's contents when there is no instance).
fn port_parameters<P: Platform>(core: &Core<P>, call: &mut PropertyCall<'_>) -> Result<NTSTATUS> {
    call.need(size_of::<SYNTH_PORTPARAMS>())?;
    let requested = if call.instance_size() >= size_of::<SYNTH_PORTPARAMS>() {
        call.instance::<SYNTH_PORTPARAMS>()?
    } else {
        // SAFETY: `need` checked the value buffer holds a SYNTH_PORTPARAMS.
        unsafe { call.request.Value.cast::<SYNTH_PORTPARAMS>().read_unaligned() }
    };
    let mut params = core.params();
    let format = core.format();
    let valid = requested.ValidParams;
    let mut result = SYNTH_PORTPARAMS {
        ValidParams: SYNTH_PORTPARAMS_VOICES
            | SYNTH_PORTPARAMS_CHANNELGROUPS
            | SYNTH_PORTPARAMS_AUDIOCHANNELS
            | SYNTH_PORTPARAMS_SAMPLERATE
            | SYNTH_PORTPARAMS_EFFECTS
            | SYNTH_PORTPARAMS_SHARE,
        Voices: params.voices,
        ChannelGroups: params.channel_groups,
        AudioChannels: format.map_or(2, |format| u32::from(format.channels)),
        SampleRate: format.map_or(48_000, |format| format.rate),
        EffectsFlags: effects_flags(&params),
        Share: 0,
    };
    // Hardware-synth mode: voices and channel groups are the shared engine's, granted as they are.
    if valid & SYNTH_PORTPARAMS_VOICES != 0 && !core.engine_is_fixed() {
        result.Voices = requested.Voices.clamp(1, MAX_VOICES);
    }
    if valid & SYNTH_PORTPARAMS_CHANNELGROUPS != 0 && !core.engine_is_fixed() {
        result.ChannelGroups = requested.ChannelGroups.clamp(1, MAX_CHANNEL_GROUPS);
    }
    if valid & SYNTH_PORTPARAMS_EFFECTS != 0 {
        result.EffectsFlags = requested.EffectsFlags & (SYNTH_EFFECT_REVERB | SYNTH_EFFECT_CHORUS);
    }
    let changed = (valid & SYNTH_PORTPARAMS_VOICES != 0 && result.Voices != requested.Voices)
        || (valid & SYNTH_PORTPARAMS_CHANNELGROUPS != 0 && result.ChannelGroups != requested.ChannelGroups)
        || (valid & SYNTH_PORTPARAMS_AUDIOCHANNELS != 0 && result.AudioChannels != requested.AudioChannels)
        || (valid & SYNTH_PORTPARAMS_SAMPLERATE != 0 && result.SampleRate != requested.SampleRate)
        || (valid & SYNTH_PORTPARAMS_EFFECTS != 0 && result.EffectsFlags != requested.EffectsFlags)
        || (valid & SYNTH_PORTPARAMS_SHARE != 0 && result.Share != requested.Share);
    params.voices = result.Voices;
    params.channel_groups = result.ChannelGroups;
    params.reverb = result.EffectsFlags & SYNTH_EFFECT_REVERB != 0;
    params.chorus = result.EffectsFlags & SYNTH_EFFECT_CHORUS != 0;
    core.set_params(params)?;
    call.reply(result)?;
    Ok(if changed {
        STATUS_NOT_ALL_ASSIGNED
    } else {
        STATUS_SUCCESS
    })
}

/// The largest download buffer accepted (`SYNTH_BUFFER.BufferSize`). One download is one wave or
/// one instrument; gm.dls's largest wave is well under 1 MiB, FluidR3_GM's under 4 MiB.
pub const MAX_DOWNLOAD_BYTES: u32 = 64 << 20;

/// Handles are download ids + 1: never 0, never a pointer.
fn handle_of(id: u32) -> usize {
    (id as usize).saturating_add(1)
}

fn id_of(handle: usize) -> Result<u32> {
    let id = handle.checked_sub(1).ok_or(MiniportError::InvalidHandle)?;
    u32::try_from(id).map_err(|_| MiniportError::InvalidHandle)
}

/// `KSPROPERTY_SYNTH_DLS_DOWNLOAD` (GET): instance `SYNTH_BUFFER` (or its 32-bit layout), value
/// `SYNTHDOWNLOAD` (or its 32-bit layout).
fn download<P: Platform>(core: &Core<P>, call: &mut PropertyCall<'_>) -> Result<NTSTATUS> {
    let native = size_of::<SYNTH_BUFFER>() != size_of::<SYNTH_BUFFER32>()
        && !core.platform.caller_is_32bit()
        && call.instance_size() >= size_of::<SYNTH_BUFFER>();
    let (buffer, value_size) = if native {
        let buffer = call.instance::<SYNTH_BUFFER>()?;
        (
            CallerBuffer {
                address: buffer.BufferAddress as usize,
                size: buffer.BufferSize,
            },
            size_of::<SYNTHDOWNLOAD>(),
        )
    } else {
        let buffer = call.instance::<SYNTH_BUFFER32>()?;
        (
            CallerBuffer {
                address: buffer.BufferAddress as usize,
                size: buffer.BufferSize,
            },
            size_of::<SYNTHDOWNLOAD32>(),
        )
    };
    call.need(value_size)?;
    // The size comes from user mode and is reserved in non-paged pool before the copy: refuse
    // what no real download needs, so one request cannot ask for gigabytes.
    if buffer.size == 0 || buffer.address == 0 || buffer.size > MAX_DOWNLOAD_BYTES {
        return Err(MiniportError::InvalidParameter);
    }
    // SAFETY: the buffer comes from this request; the platform checks it (kernel: ProbeForRead
    // under SEH in the requestor's context).
    let bytes = unsafe { core.platform.capture(buffer) }.map_err(|error| match error {
        CaptureError::Inaccessible => MiniportError::Inaccessible,
        CaptureError::OutOfMemory => MiniportError::OutOfMemory,
    })?;
    let id = core.download(&bytes);
    drop(bytes);
    let id = id?;
    let handle = handle_of(id);
    if native {
        call.reply(SYNTHDOWNLOAD {
            DownloadHandle: handle as *mut core::ffi::c_void,
            Free: 1,
        })?;
    } else {
        call.reply(SYNTHDOWNLOAD32 {
            DownloadHandle: handle as u32,
            Free: 1,
        })?;
    }
    Ok(STATUS_SUCCESS)
}

/// `KSPROPERTY_SYNTH_DLS_UNLOAD` (SET): value = the handle (pointer-sized; 4 bytes when the platform
/// says the caller is a 32-bit process).
fn unload<P: Platform>(core: &Core<P>, call: &mut PropertyCall<'_>) -> Result<NTSTATUS> {
    let handle = if core.platform.caller_is_32bit() {
        call.value::<u32>()? as usize
    } else {
        call.value::<usize>()?
    };
    core.unload(id_of(handle)?)?;
    Ok(STATUS_SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_db_scale() {
        assert_eq!(peak_db(1.0), 0);
        assert_eq!(peak_db(0.5), -7); // -6.02 dB rounds toward -inf
        assert_eq!(peak_db(0.0), -96);
    }

    #[test]
    fn handles_are_never_zero() {
        assert_eq!(handle_of(0), 1);
        assert_eq!(id_of(1), Ok(0));
        assert_eq!(id_of(0), Err(MiniportError::InvalidHandle));
    }
}
