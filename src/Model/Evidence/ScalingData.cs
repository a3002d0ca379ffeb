namespace Verify.Model.Evidence;

/// <summary>Training data of one sample-scaling run.</summary>
public enum ScalingData
{
    /// <summary>The teacher-aware augmentation around the labelling teacher's boundaries (the claim's hypothesis).</summary>
    TeacherAware,

    /// <summary>Plain Gaussian inputs: not teacher-aware, so the positive claim says nothing.</summary>
    Gaussian,

    /// <summary>
    /// Negative control: Gaussian inputs all at least <see cref="Experiments.SampleScaling.OneSidedMargin"/> inside
    /// the inactive side of teacher node 1 (distance to its boundary), so node 1 is never active on
    /// the training data and the labels carry nothing of w*_1. (On the active side node 1 is affine on
    /// the data, but with several outputs that affine map v*_1 w*_1^T still shows w*_1: measured, the
    /// student aligned with it at cos 0.9998 even one unit away from the boundary.)
    /// </summary>
    OneSided,
}
