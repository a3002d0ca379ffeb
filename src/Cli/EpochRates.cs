using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Verify.Model.Runtime;

namespace Verify.Cli;

/// <summary>
/// A learning-rate schedule as an option's value: epoch:rate pairs, "0:0.2,20:0.1" (the rate from
/// that epoch on), printed the way it is written.
/// </summary>
sealed class EpochRates(IReadOnlyList<(int Epoch, double Rate)> items)
{
    public IReadOnlyList<(int Epoch, double Rate)> Items { get; } = items;

    public override string ToString() => string.Join(",", Items.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Epoch}:{p.Rate}")));
}
