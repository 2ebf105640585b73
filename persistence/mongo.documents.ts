// Documents on MongoDB (or FerretDB): one `documents` collection, `_id` "<collection>/<id>", the
// body as a BSON document with escaped keys (mongo.codec.ts; JSON text in documents of the
// previous release), and `updatedAt`, the Date of the last write, for retention.
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { Documents } from './documents.port.ts';
import { fromStored, toStored } from './mongo.codec.ts';
import { DUPLICATE_KEY } from './mongo.errors.ts';

export interface StoredDocument {
  _id: string;
  collection: string;
  body: unknown;
  /** Absent in documents of the previous release until the first `deleteOlderThan` stamps them. */
  updatedAt?: Date;
}

export function createMongoDocuments(db: Db, guarded: <T>(operation: () => Promise<T>) => Promise<T>): Documents {
  const documents: Collection<StoredDocument> = db.collection<StoredDocument>('documents');
  let indexed: Promise<unknown> | null = null;
  const ensureIndex = () =>
    (indexed ??= (async () => {
      // One index per call: FerretDB 1.24 drops the connection when a multi-index createIndexes meets existing ones.
      await documents.createIndex({ collection: 1, _id: 1 });
      await documents.createIndex({ collection: 1, updatedAt: 1 });
    })().catch((error: unknown) => {
      indexed = null;
      throw error;
    }));
  const key = (collection: string, id: string) => `${collection}/${id}`;
  return {
    get: <T>(collection: string, id: string) =>
      guarded(async () => {
        const found = await documents.findOne({ _id: key(collection, id) });
        return found ? fromStored<T>(found.body) : null;
      }),
    insert: (collection, id, document) =>
      guarded(async () => {
        try {
          await documents.insertOne({ _id: key(collection, id), collection, body: toStored(document), updatedAt: new Date() });
          return true;
        } catch (error) {
          if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
          throw error;
        }
      }),
    put: (collection, id, document) =>
      guarded(async () => {
        await documents.replaceOne({ _id: key(collection, id) }, { collection, body: toStored(document), updatedAt: new Date() }, { upsert: true });
      }),
    delete: (collection, id) =>
      guarded(async () => {
        await documents.deleteOne({ _id: key(collection, id) });
      }),
    deleteOlderThan: (collection, before) =>
      guarded(async () => {
        await ensureIndex();
        // Documents of the previous release have no write time: retention counts from now for them.
        await documents.updateMany({ collection, updatedAt: { $exists: false } }, { $set: { updatedAt: new Date() } });
        const { deletedCount } = await documents.deleteMany({ collection, updatedAt: { $lt: new Date(before) } });
        return deletedCount;
      }),
    list: <T>(collection: string) =>
      guarded(async () => {
        await ensureIndex();
        const found = await documents.find({ collection }).sort({ _id: 1 }).toArray();
        return found.map((document) => fromStored<T>(document.body));
      }),
  };
}
