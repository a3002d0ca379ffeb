using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Verify.Model.Runtime;

namespace Verify.Cli;

/// <summary>A command-line mistake found after parsing (a combination of options, a folder's content): the message names the option and what it accepts.</summary>
sealed class UsageException(string message) : Exception(message);
