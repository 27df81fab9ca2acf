"""Text to speech: a voice renders a sentence to audio; a speaker plays it."""
