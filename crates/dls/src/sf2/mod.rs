//! SoundFont 2 import (host only).
