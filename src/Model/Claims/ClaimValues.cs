namespace Verify.Model.Claims;

/// <summary>A value per (p, multi).</summary>
public sealed record DecayMultiValue(double Decay, int Multi, double Value);

/// <summary>A value per multi.</summary>
public sealed record MultiValue(int Multi, double Value);

/// <summary>A value per dataset size.</summary>
public sealed record SizeValue(int Samples, double TeacherAware, double Gaussian);
