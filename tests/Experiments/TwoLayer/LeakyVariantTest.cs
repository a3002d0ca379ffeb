using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.TestSupport;

namespace Verify.Experiments.TwoLayer;

/// <summary>
/// The two-layer experiment with leaky ReLU (slope 0.1) teacher and student: the strongest third
/// of the teachers is covered in every over-realized run, and the L-shape holds (claim 4's judge).
/// Seeds: both are per-run conditions, so each seed can falsify them; 2 seeds x multi {1, 5}.
/// The negative control of the L-shape is <see cref="LShapeTest.LinearNetworks_DoNotShowTheLShape"/>
/// (slope 1, the rectification removed).
/// </summary>
[TestFixture]
public sealed class LeakyVariantTest
{
    [TestCase("default"), Judges("lshape.leaky"), Judges("leaky-strong-teachers")]
    [TestCase("paper", Category = "Nightly")]
    public void LeakyStudentsSpecializeToStrongTeachers_AndShowTheLShape(string scale)
    {
        var outcomes = SweepClaims.Leaky(ExperimentRuns.Leaky(scale));

        outcomes.ShouldAllBe(o => o.Verdict == Verdict.Holds, $"scale {scale}: {string.Join("; ", outcomes.Select(o => o.ToString()))}");
    }
}
