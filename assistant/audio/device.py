"""Sound cards through sounddevice (PortAudio). The only module that imports sounddevice."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from assistant.audio.chunk import PIPELINE_RATE, AudioChunk, StreamResampler, mono, resample
from assistant.clock import AnyClock
from assistant.errors import DeviceError

Kind = Literal["input", "output"]
STALL_SECONDS = 5.0  # no audio from an open input for this long means the device is gone
# PortAudio's "low" capture latency starves PulseAudio's ALSA plugin (a few blocks a
# second); 50 ms delivers every 20 ms block on time
INPUT_LATENCY = 0.05
OUTPUT_LATENCY = 0.04  # small blocks ("low") underrun whenever Python is busy for a moment
HEADSET_WORDS = ("headset", "headphone", "earphone", "earbud", "bluetooth", "usb audio")


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library missing
        raise DeviceError(
            f"PortAudio is not installed ({exc}); run 'sudo apt-get install libportaudio2'"
        ) from None
    return sounddevice


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device as a person would want to see it."""

    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool

    @property
    def headset(self) -> bool:
        """The name suggests a headset."""
        return any(w in self.name.lower() for w in HEADSET_WORDS)

    def line(self) -> str:
        marks = ("<in " if self.is_default_input else "") + (
            "<out" if self.is_default_output else "")
        tag = " [headset]" if self.headset else ""
        return (f"{self.index:3d}  {self.name}{tag}  ({self.inputs} in, {self.outputs} out, "
                f"{self.default_rate:.0f} Hz) {marks}").rstrip()


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio can see (empty on a machine with no sound card)."""
    sd = _sd()
    try:
        devices = sd.query_devices()
        default_in, default_out = sd.default.device
    except Exception as exc:  # PortAudio reports broken hosts as generic errors
        raise DeviceError(f"cannot list audio devices: {exc}") from None
    return [
        DeviceInfo(i, str(d["name"]), int(d["max_input_channels"]),
                   int(d["max_output_channels"]), float(d["default_samplerate"]),
                   i == default_in, i == default_out)
        for i, d in enumerate(devices)
    ]


def _listing(devices: list[DeviceInfo], kind: Kind) -> str:
    usable = [d for d in devices if (d.inputs if kind == "input" else d.outputs) > 0]
    if not usable:
        return f"no {kind} devices at all"
    return "; ".join(f"{d.index}: {d.name}" for d in usable)


def resolve(spec: str | None, kind: Kind) -> DeviceInfo:
    """The device named by an index or a case-insensitive name substring (None: the default)."""
    devices = list_devices()
    usable = [d for d in devices if (d.inputs if kind == "input" else d.outputs) > 0]
    if not usable:
        raise DeviceError(
            f"no audio {kind} device found; try 'regroup demo' (needs no sound card) or "
            f"--audio-{'in' if kind == 'input' else 'out'} FILE.wav"
        )
    if spec is None or spec == "":
        flag = "is_default_input" if kind == "input" else "is_default_output"
        chosen = next((d for d in usable if getattr(d, flag)), usable[0])
        return chosen
    if spec.isdigit():
        match = [d for d in usable if d.index == int(spec)]
    else:
        match = [d for d in usable if d.name.lower() == spec.lower()]
        match = match or [d for d in usable if spec.lower() in d.name.lower()]
    if not match:
        raise DeviceError(f"no {kind} device matches '{spec}'; {kind} devices: "
                          f"{_listing(devices, kind)}")
    return match[0]


class SoundDeviceMicrophone:
    """The live microphone: 16 kHz mono int16 blocks, resampled if the device insists."""

    def __init__(self, spec: str | None, clock: AnyClock, block_seconds: float = 0.02) -> None:
        sd = _sd()
        self.device = resolve(spec, "input")
        self.clock = clock
        self._queue: queue.Queue[AudioChunk] = queue.Queue()
        self._resampler: StreamResampler | None = None
        rate = PIPELINE_RATE
        try:
            sd.check_input_settings(self.device.index, channels=1, dtype="int16",
                                    samplerate=PIPELINE_RATE)
        except Exception:
            rate = int(self.device.default_rate)
            self._resampler = StreamResampler(rate, 1)
        self.rate = rate
        self.overflows = 0
        self._anchor: float | None = None
        self._count = 0
        try:
            self._stream = sd.RawInputStream(
                samplerate=rate, blocksize=round(block_seconds * rate), device=self.device.index,
                channels=1, dtype="int16", latency=INPUT_LATENCY, callback=self._callback)
            self._stream.start()
        except Exception as exc:
            raise DeviceError(f"cannot open input '{self.device.name}': {exc}; "
                              "see 'regroup devices'") from None

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        # Capture times by counting samples from an anchor: a block cannot arrive before it
        # was captured, so the earliest (arrival - samples so far) is the best anchor. Hosts
        # that deliver in bursts or report odd times (PulseAudio's ALSA plugin) are no problem.
        if status.input_overflow:  # samples were lost: count afresh
            self.overflows += 1
            self._anchor, self._count = None, 0
        self._count += frames
        offset = self.clock.now() - self._count / self.rate
        if self._anchor is None:
            self._anchor = offset
        else:  # may creep up 1 ms a second, for a device clock slower than ours
            self._anchor = min(offset, self._anchor + frames / self.rate * 1e-3)
        start = self._anchor + (self._count - frames) / self.rate
        self._queue.put(AudioChunk(self.rate, 1, bytes(indata), start))

    def chunks(self) -> Iterator[AudioChunk]:
        while True:
            try:
                chunk = self._queue.get(timeout=STALL_SECONDS)
            except queue.Empty:
                raise DeviceError(f"input '{self.device.name}' stopped delivering audio; "
                                  "check the microphone and 'regroup devices'") from None
            yield self._resampler.convert(chunk) if self._resampler else chunk

    def close(self) -> None:
        try:
            self._stream.abort()
            self._stream.close()
        except Exception:  # closing a device that vanished must not hide the real error
            pass


class DevicePlayback:
    """A sentence on the live speaker; its times are when samples reach the device's output."""

    def __init__(self, pcm: np.ndarray, speaker: SoundDeviceSpeaker) -> None:
        self.pcm = pcm
        self.speaker = speaker
        self.pos = 0
        self.cut = False
        self.started = speaker.clock.now() + speaker.latency  # refined by the first callback
        self.end: float | None = None  # set once the last sample has been handed over

    def done(self) -> bool:
        return self.end is not None and self.speaker.clock.now() >= self.end

    def stop(self) -> float:
        with self.speaker.lock:
            self.cut = True
            if self.end is None:
                self.end = self.speaker.clock.now() + self.speaker.latency
        return self.end

    def wait(self) -> float:
        limit = time.monotonic() + len(self.pcm) / self.speaker.rate + 2.0
        while self.end is None or not self.done():
            self.speaker.check()
            if time.monotonic() > limit:
                raise DeviceError(f"output '{self.speaker.device.name}' stopped playing; "
                                  "check it in 'regroup devices'")
            time.sleep(0.005)
        return self.end


class SoundDeviceSpeaker:
    """The live speaker: one open stream, fed by a callback, so starts and cuts are immediate."""

    def __init__(self, spec: str | None, clock: AnyClock, rate: int = 22_050) -> None:
        sd = _sd()
        self.device = resolve(spec, "output")
        self.clock = clock
        self.lock = threading.Lock()
        self._current: DevicePlayback | None = None
        self._error: str | None = None
        try:
            sd.check_output_settings(self.device.index, channels=1, dtype="int16", samplerate=rate)
        except Exception:
            rate = int(self.device.default_rate)
        self.rate = rate
        try:
            self._stream = sd.OutputStream(samplerate=rate, device=self.device.index,
                                           channels=1, dtype="int16",
                                           latency=OUTPUT_LATENCY, callback=self._callback)
            self._stream.start()
        except Exception as exc:
            raise DeviceError(f"cannot open output '{self.device.name}': {exc}; "
                              "see 'regroup devices'") from None
        self.latency = float(self._stream.latency)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        now = self.clock.now()
        dac = time_info.outputBufferDacTime - time_info.currentTime
        reaches = now + (dac if 0 <= dac < 1 else self.latency)  # when this block is heard
        with self.lock:
            pb, n = self._current, 0
            if pb is not None and not pb.cut and pb.pos < len(pb.pcm):
                piece = pb.pcm[pb.pos : pb.pos + frames]
                n = len(piece)
                outdata[:n, 0] = piece
                if pb.pos == 0:
                    pb.started = reaches
                pb.pos += n
                if pb.pos >= len(pb.pcm):
                    pb.end = reaches + n / self.rate
            outdata[n:] = 0

    def check(self) -> None:
        """Raise if the device has failed (e.g. it was unplugged)."""
        if not self._stream.active and not self._stream.stopped:
            raise DeviceError(f"output '{self.device.name}' stopped; check it in 'regroup devices'")

    def start(self, audio: AudioChunk) -> DevicePlayback:
        pcm = resample(mono(audio.samples()), audio.rate, self.rate)
        playback = DevicePlayback(np.ascontiguousarray(pcm, dtype=np.int16), self)
        if len(pcm) == 0:  # nothing to play: done at once, never waiting for a callback
            playback.end = playback.started
            return playback
        with self.lock:
            self._current = playback
        return playback

    def close(self) -> None:
        with contextlib.suppress(Exception):  # see SoundDeviceMicrophone.close
            self._stream.stop()
            self._stream.close()
