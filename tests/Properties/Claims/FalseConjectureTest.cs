using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.Properties.Generators;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// A plausible but false conjecture, on purpose: "after training, every teacher node is covered
/// (max_k rho_jk &gt; 0.95) whatever the student's width". The paper needs over-realization; a student
/// narrower than its teacher cannot cover every node. The test runs the conjecture as an FsCheck
/// property and asserts that FsCheck finds a counterexample and shrinks it to a small network: a
/// researcher checking a new conjecture writes the property the same way, and this shows the
/// machinery can say no.
/// </summary>
[TestFixture]
public sealed class FalseConjectureTest
{
    /// <summary>The conjecture as a property; <paramref name="failures"/> records every failing case in the order FsCheck tried them.</summary>
    static Property EveryTeacherIsCovered_WhateverTheStudentsWidth(List<WidthCase> failures) =>
        Prop.ForAll(ClaimGen.AnyWidth(), c =>
        {
            using var scope = NewDisposeScope();
            using var teacher = c.Teacher.Build();
            using var data = Dataset.Gaussian(teacher, 100, c.Teacher.Seed + 1);
            using var student = Student.WithWidths(teacher, [c.StudentWidth], c.Teacher.Seed + 2, ClaimBuilders.SmallProblemInitStd);
            SgdTrainer.Train(student, data, ClaimBuilders.FullBatch(epochs: 8, target: Tolerances.SmallProblemGradientTarget), c.Teacher.Seed + 3);
            var report = Specialization.Analyze(teacher, student, data.Inputs);
            var holds = report.Covered(Tolerances.SpecializationCorrelation) == report.Teachers;
            if (!holds) failures.Add(c);
            return holds.Label($"{c}: best rho per teacher {Numerics.Describe(report.BestCorrelationPerTeacher)}");
        });

    [Test]
    public void FsCheckRefutesTheConjecture_AndShrinksToASmallNetwork()
    {
        var failures = new List<WidthCase>();
        var config = Config.QuickThrowOnFailure.WithMaxTest(30)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20260727UL, 1UL), FSharpOption<int>.None)));

        var error = Should.Throw<Exception>(() => Check.One(config, EveryTeacherIsCovered_WhateverTheStudentsWidth(failures)));

        TestContext.Out.WriteLine(error.Message);
        error.Message.ShouldContain("Falsifiable");
        var shrinks = Regex.Match(error.Message, @"\((\d+) shrinks?\)");
        shrinks.Success.ShouldBeTrue($"FsCheck should report its shrinks: {error.Message}");
        int.Parse(shrinks.Groups[1].Value).ShouldBeGreaterThan(0, $"the counterexample must have been shrunk: {error.Message}");
        failures.ShouldNotBeEmpty();
        var shrunk = failures[^1];
        var original = failures[0];
        TestContext.Out.WriteLine($"original {original}; shrunk {shrunk}");
        shrunk.Teacher.D.ShouldBeLessThanOrEqualTo(3, $"shrunk toward the smallest input dimension: {shrunk}");
        shrunk.Teacher.Widths[0].ShouldBeLessThanOrEqualTo(2, $"shrunk toward the narrowest teacher: {shrunk}");
        shrunk.StudentWidth.ShouldBeLessThanOrEqualTo(shrunk.Teacher.Widths[0], $"the counterexample is a student that is not over-realized: {shrunk}");
        (shrunk.Teacher.D + shrunk.Teacher.Widths[0] + shrunk.StudentWidth).ShouldBeLessThanOrEqualTo(
            original.Teacher.D + original.Teacher.Widths[0] + original.StudentWidth, $"shrinking must not grow the network: original {original}");
    }
}
