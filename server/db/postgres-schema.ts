import {
  ColumnDefinitionNode,
  DataTypeNode,
  GeneratedNode,
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/**
 * Migrations build their tables with SQLite's words; this rewrites a column definition into
 * PostgreSQL's so the same migration files serve both drivers:
 * - integer becomes bigint: timestamps are milliseconds since the epoch, past int4's range;
 * - real becomes double precision (SQLite's real is 8 bytes);
 * - an integer primary key gets an identity, as SQLite gives its rowid alias one whether or not
 *   the migration asked for autoincrement (which PostgreSQL has no keyword for);
 * - a generated column is stored, the only kind PostgreSQL 15 has.
 * Only schema statements carry column definitions, so queries pass through untouched.
 */
class SchemaTransformer extends OperationNodeTransformer {
  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const base = super.transformColumnDefinition(node);
    const type = DataTypeNode.is(base.dataType) ? base.dataType.dataType : null;
    let out: ColumnDefinitionNode = base;
    if (type === 'integer') out = { ...out, dataType: DataTypeNode.create('bigint') };
    if (type === 'real') out = { ...out, dataType: DataTypeNode.create('double precision') };
    if (type === 'integer' && base.primaryKey && !base.generated) {
      out = { ...out, autoIncrement: false, generated: GeneratedNode.create({ byDefault: true, identity: true }) };
    }
    if (base.generated?.expression && !base.generated.stored) {
      out = { ...out, generated: GeneratedNode.cloneWith(base.generated, { stored: true }) };
    }
    return Object.freeze(out);
  }
}

export class PostgresSchemaPlugin implements KyselyPlugin {
  readonly #transformer = new SchemaTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind;
    if (kind !== 'CreateTableNode' && kind !== 'AlterTableNode') return args.node;
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
