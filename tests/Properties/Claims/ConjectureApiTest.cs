using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Conjectures;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Protocols;

namespace Verify.Properties.Claims;

/// <summary>
/// The conjecture API reaches every family the theorem checks judge: a family's cases keep its mini-batch size, depth,
/// data kind and sample range (the generator draws through <see cref="SmallProblemSpace.Draw"/>), and a deep case is
/// judged at every layer only once every layer's per-sample signal reached the level.
/// </summary>
[TestFixture]
public sealed class ConjectureApiTest
{
    static SmallProblem[] Sample(CaseFamily family, double leak) =>
        ClaimGen.Problems(family, leak).Generator.Sample(20, 40).ToArray();

    [TestCaseSource(typeof(CaseFamily), nameof(CaseFamily.All))]
    [TestCaseSource(typeof(CaseFamily), nameof(CaseFamily.Deep))]
    public void AFamilysCases_LieInItsSpace(CaseFamily family)
    {
        var s = family.Space(0.1, false);
        foreach (var p in Sample(family, 0.1))
        {
            p.Leak.ShouldBe(0.1, p.ToString());
            p.Depth.ShouldBe(family.HiddenLayers, p.ToString());
            p.Batch.ShouldBe(s.Batch, p.ToString());
            p.Data.ShouldBe(s.Data, p.ToString());
            if (s.SamplesOverNStar is null) p.Samples.ShouldBeInRange(s.Samples, s.MaxSamples ?? s.Samples, p.ToString());
        }
    }

    [Test]
    public void TheSgdFamily_TrainsByMiniBatches_AndTheBaseOneByFullBatches()
    {
        Sample(CaseFamily.Sgd, 0).ShouldAllBe(p => p.Batch == 16);
        Sample(CaseFamily.Base, 0).ShouldAllBe(p => p.Batch == null);
    }

    /// <summary>One three-layer case (about 5 s): judged only once every layer, the output residual included, is at the deep level.</summary>
    [Conjecture(MaxTest = 1)]
    public Property ADeepCase_IsJudgedAtEveryLayer_AtTheDeepLevel() =>
        Conjecture.About(CaseFamily.ThreeLayer, 0.1)
            .ClaimsAtEveryLayer("two hidden layers, every one at the deep level",
                e => e.HiddenLayers == 2 && e.MaxGradientEveryLayer <= Rules.DeepGradient);
}
