/// Runs the detector over files. WIP skeleton.
public enum FileDetector {}
