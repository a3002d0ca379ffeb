using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// (The contract tests of claims 1, 2, 4 and the leaky observation were written against the judges
/// before issue 11 rewrote them; they are to be rewritten against the new rules.)
/// The judges of the claims about one trained pair, read on hand-built analysis records whose
/// right verdict follows from the claim's statement: each threshold on the side the statement puts
/// it (strict or not), each hypothesis turning a case inconclusive, and each count in the typed
/// numbers. The claim tests judge trained pairs, which rarely sit at a threshold; these pin the rule
/// itself, so a judge that drifted from its statement (found by mutation testing, docs/dev/mutation.md)
/// changes a verdict here.
/// </summary>
[TestFixture]
public sealed class JudgeContractsTest
{
    [Test]
    public void Independence_ComparesTheSmallestSingularValueToTheLargest()
    {
        var full = IndependenceClaim.Judge(new IndependenceEvidence("c", 10, [4.0, 2.0, 1e-3]), 1e-4);
        full.Verdict.ShouldBe(Verdict.Holds);
        full.Numbers.SmallestSingularValue.ShouldBe(1e-3);
        full.Numbers.RelativeSmallestSingularValue.ShouldBe(2.5e-4, 1e-18, "smallest / largest");
        full.Numbers.RelativeRankLevel.ShouldBe(1e-4);
        IndependenceClaim.Judge(new IndependenceEvidence("c", 10, [4.0, 2.0, 4e-4]), 1e-4).Verdict.ShouldBe(Verdict.Fails, "a ratio at the level is not above it");
        IndependenceClaim.Judge(new IndependenceEvidence("c", 2, [4.0, 2.0, 1.0]), 1e-4).Reason!.ShouldContain("fewer samples than teacher nodes");
        IndependenceClaim.Judge(new IndependenceEvidence("c", 3, [4.0, 2.0, 1.0]), 1e-4).Verdict.ShouldBe(Verdict.Holds, "m samples can give rank m");
        Should.Throw<ArgumentOutOfRangeException>(() => IndependenceClaim.Judge(new IndependenceEvidence("c", 3, [1.0]), 0)).Message.ShouldContain("must lie in (0, 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => IndependenceClaim.Judge(new IndependenceEvidence("c", 3, [1.0]), 1));
    }

    /// <summary>The evidence of claims 7 and 8 measured from networks: a case described by the caller keeps its words, else it names the network.</summary>
    [Test]
    public void TheEvidenceOfClaims7And8_NamesItsNetwork_UnlessTheCallerDescribesTheCase()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(4, 3, outputs: 2), 11);
        using var data = Dataset.Gaussian(teacher, 25, 12);
        using var exact = Verify.Model.Theory.ExactFit.Build(teacher, copies: 2, extraNodes: 1, seed: 13);
        var fit = Verify.Model.Theory.ExactFitEvidence.Measure(exact, data);
        fit.Case.ShouldContain(exact.ToString());
        fit.Samples.ShouldBe(25);
        Verify.Model.Theory.ExactFitEvidence.Measure(exact, data, "my case").Case.ShouldBe("my case");

        var independence = IndependenceEvidence.Measure(teacher, data.Inputs);
        independence.Case.ShouldContain(teacher.ToString());
        independence.Samples.ShouldBe(25);
        independence.SingularValues.Length.ShouldBe(3, "one singular value per teacher node");
        IndependenceEvidence.Measure(teacher, data.Inputs, "my case").Case.ShouldBe("my case");
    }
}
