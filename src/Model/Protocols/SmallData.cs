namespace Verify.Model.Protocols;

/// <summary>Where training data of a small problem comes from.</summary>
public enum SmallData { Gaussian, TeacherAware }
