namespace Verify.Model.Evidence;

/// <summary>Where a run's training inputs come from; evaluation is always on Gaussian inputs.</summary>
public enum TrainingData
{
    /// <summary>x ~ N(0, 1.5^2 I_d).</summary>
    Gaussian,

    /// <summary>Triplets straddling each teacher boundary (<see cref="Data.TeacherAware"/>), rescaled to norm 1.5 sqrt(d).</summary>
    TeacherAware,

    /// <summary>Negative control: the same augmentation built from the boundaries of an unrelated teacher, labelled by the real one.</summary>
    TeacherAwareOfAnotherTeacher,
}
