namespace Verify.Model.Data;

/// <summary>
/// The teacher-aware augmentation (notes section 4): for a lowest-layer teacher node j, draw
/// z ~ N(0, s^2 I_{d+1}) with last coordinate 1, project it onto the node's hyperplane in augmented
/// space, de-homogenize to x on the boundary w*_j^T x + b_j = 0, draw alpha ~ U[mu, mu + spread),
/// and keep the triplet x, x + alpha w*_j, x - alpha w*_j: one point on the boundary and one on
/// each side of it.
/// </summary>
/// <param name="Scale">s, the spread of z.</param>
/// <param name="Mu">mu, the least offset alpha.</param>
/// <param name="Spread">s', the width of alpha's range.</param>
/// <param name="RescaleNorm">When set, every point is finally rescaled to this norm, as the paper's
/// code does with data_std * sqrt(d); this moves boundary points off a hyperplane with non-zero bias.</param>
public sealed record TeacherAwareOptions(double Scale = 1.0, double Mu = 2.0, double Spread = 2.0, double? RescaleNorm = null)
{
    public void Validate()
    {
        if (!double.IsFinite(Scale) || Scale <= 0) throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "Scale s must be finite and > 0.");
        if (!double.IsFinite(Mu) || Mu < 0) throw new ArgumentOutOfRangeException(nameof(Mu), Mu, "Offset mu must be finite and >= 0.");
        if (!double.IsFinite(Spread) || Spread < 0) throw new ArgumentOutOfRangeException(nameof(Spread), Spread, "Spread s' must be finite and >= 0.");
        if (RescaleNorm is { } r && (!double.IsFinite(r) || r <= 0)) throw new ArgumentOutOfRangeException(nameof(RescaleNorm), r, "Rescale norm must be finite and > 0.");
    }
}
